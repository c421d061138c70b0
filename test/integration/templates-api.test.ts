import { mkdtemp, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiInstance } from '../../api/app.js';
import { createApiKey } from '../../db/api-key.repository.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { createEngine } from '../../engine/engine.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { TEMPLATES_DIR, TemplateRenderer } from '../../templates/renderer.js';
import { createTemplateStore } from '../../db/template.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { engineConfig } from '../support/engine-config.js';

const marketingWithoutFooter = `---
subject: Hi {{ contact.firstName }}
category: marketing
---
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Your code {{ coupon.code }} and {{ order.total }}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

const brokenMjml = `---
subject: Broken
category: transactional
---
<mjml>
  <mj-body>
    <mj-section>
      <mj-text>not in a column</mj-text>
    </mj-section>
  </mj-body>
</mjml>
`;

describe('template validation and preview API', () => {
  let database: TestDatabase;
  let app: ApiInstance;
  let admin: string;
  let write: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'relance-templates-api-'));
    await mkdir(path.join(dir, 'partials'));
    await copyFile(path.join(TEMPLATES_DIR, 'partials', 'footer.mjml'), path.join(dir, 'partials', 'footer.mjml'));
    await copyFile(path.join(TEMPLATES_DIR, 'product-news.mjml'), path.join(dir, 'product-news.mjml'));
    await writeFile(path.join(dir, 'no-footer.mjml'), marketingWithoutFooter);
    // The client connects lazily: these routes never reach Temporal.
    const engine = createEngine(engineConfig({ TEMPORAL_TASK_QUEUE: 'templates-api' }), { db: database.db, temporal: new Client(), templates: new TemplateRenderer(dir, createTemplateStore(database.db)) });
    app = await buildApp({ engine, logLevel: 'silent' });
    admin = (await createApiKey(database.db, { name: 'marketer', role: 'admin' })).key;
    write = (await createApiKey(database.db, { name: 'site', role: 'write' })).key;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const post = (url: string, payload: unknown, key = admin) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload: payload as object });

  it('accepts a template with the footer partial and lists the variables it reads', async () => {
    const response = await post('/v1/templates/product-news/validate', {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ template: 'product-news', valid: true, category: 'marketing', problems: [] });
    expect(response.json().variables).toEqual(expect.arrayContaining(['contact.firstName', 'contact.company', 'unsubscribe_url', 'preferences_url', 'site.name']));
  });

  it('reports unknown variables with their line and a marketing e-mail without unsubscribe link', async () => {
    const response = await post('/v1/templates/no-footer/validate', {});
    expect(response.json()).toMatchObject({
      valid: false,
      problems: [
        { line: 9, reason: expect.stringMatching(/^unknown variable order\.total/) },
        { reason: expect.stringMatching(/^a marketing e-mail needs an unsubscribe link/) },
      ],
    });
  });

  it('reports MJML and Liquid errors in a draft with the line in the draft', async () => {
    const mjml = await post('/v1/templates/draft/validate', { source: brokenMjml });
    expect(mjml.json()).toMatchObject({ valid: false, problems: [{ line: 8, reason: expect.stringContaining('mj-text cannot be used inside mj-section') }] });
    const liquid = await post('/v1/templates/draft/validate', { source: marketingWithoutFooter.replace('{{ coupon.code }}', '{% if coupon %}{{ coupon.code }}') });
    expect(liquid.json().problems[0]).toMatchObject({ line: 9, reason: expect.stringMatching(/^Liquid: tag \{% if coupon %\} not closed/) });
  });

  it('reports Liquid the e-mail compiler does not support with its line in the draft', async () => {
    const draft = marketingWithoutFooter.replace('{{ coupon.code }}', '{% include "snippet" %}');
    const response = await post('/v1/templates/draft/validate', { source: draft });
    expect(response.json()).toMatchObject({ valid: false, problems: [{ line: 9, reason: expect.stringMatching(/^Liquid: \{% include %\} is not supported in e-mail templates/) }] });
  });

  it('refuses an unknown template, a bad name and a key without admin rights', async () => {
    expect((await post('/v1/templates/missing/validate', {})).statusCode).toBe(404);
    const badName = await post('/v1/templates/Bad%20Name/validate', {});
    expect(badName.statusCode).toBe(400);
    expect(badName.json().issues[0].path).toContain('name');
    expect((await post('/v1/templates/product-news/validate', {}, write)).statusCode).toBe(403);
  });

  it('previews for a stored contact or sample data, with links that go nowhere', async () => {
    const identify = InboundEvent.parse({ type: 'identify', userId: 'u-preview', messageId: 'preview-1', traits: { email: 'max@example.com', firstName: 'Max', company: 'Acme' } });
    const now = new Date();
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(identify, now)], await new ScoringModelStore(database.db).active(), now);
    const forContact = await post('/v1/templates/product-news/preview', { contactId: outcomes[0]!.contactId });
    expect(forContact.statusCode).toBe(200);
    expect(forContact.json()).toMatchObject({ subject: 'Max, three guides picked for you', category: 'marketing', tracking: true });
    expect(forContact.json().text).toContain('readers in Acme');
    expect(forContact.json().html).toContain('href="https://preview.invalid/unsubscribe"');

    const sample = await post('/v1/templates/product-news/preview', { data: { contact: { firstName: 'Sam' } } });
    expect(sample.json().subject).toBe('Sam, three guides picked for you');
    expect((await post('/v1/templates/product-news/preview', { contactId: '7d3a9e10-0000-4000-8000-000000000009' })).statusCode).toBe(404);
    expect((await post('/v1/templates/draft/preview', { source: brokenMjml })).statusCode).toBe(422);
  });

  it('resolves <mj-include> to the published version of a stored partial, refuses its deletion while included, and reports a missing one on its line', async () => {
    const put = (url: string, payload: unknown) => app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${admin}` }, payload: payload as object });
    const banner = (words: string) => `<mj-section><mj-column><mj-text>${words} {{ contact.firstName }}</mj-text></mj-column></mj-section>`;
    expect((await post('/v1/templates', { name: 'promo-banner', kind: 'partial', source: banner('Spring sale for') })).statusCode).toBe(201);
    expect((await post('/v1/templates/promo-banner/publish', {})).json()).toEqual({ name: 'promo-banner', version: 1 });
    const letter = marketingWithoutFooter.replace('<mj-section>', '<mj-include path="./partials/promo-banner.mjml" />\n    <mj-section>').replace(' and {{ order.total }}', '').replace('</mj-body>', '  <mj-include path="./partials/footer.mjml" />\n  </mj-body>');
    expect((await post('/v1/templates', { name: 'with-banner', source: letter })).statusCode).toBe(201);
    expect((await post('/v1/templates/with-banner/publish', {})).json()).toEqual({ name: 'with-banner', version: 1 });
    const first = await post('/v1/templates/with-banner/preview', { data: { contact: { firstName: 'Ivy' } } });
    expect(first.json().text).toContain('Spring sale for Ivy');

    // A new version of the partial reaches the template without republishing it.
    await put('/v1/templates/promo-banner/draft', { source: banner('Summer sale for') });
    expect((await post('/v1/templates/promo-banner/publish', {})).json()).toEqual({ name: 'promo-banner', version: 2 });
    expect((await post('/v1/templates/with-banner/preview', { data: { contact: { firstName: 'Ivy' } } })).json().text).toContain('Summer sale for Ivy');

    const inUse = await app.inject({ method: 'DELETE', url: '/v1/templates/promo-banner', headers: { authorization: `Bearer ${admin}` } });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().message).toContain('template with-banner');

    const missing = await post('/v1/templates/with-banner/validate', { source: letter.replace('promo-banner', 'no-banner') });
    expect(missing.json().problems).toContainEqual({ line: 7, reason: expect.stringContaining('no partial no-banner') });
    // A partial is not sent on its own.
    expect((await post('/v1/templates/promo-banner/test-send', { to: 'qa@example.com' })).statusCode).toBe(503);
  });
});
