import { fileURLToPath } from 'node:url';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSubscriptions, setSubscriptions } from '../../db/consent.repository.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';
import { bundleWorkflows } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';
import type { newsSequenceWorkflow } from './fixtures/news-sequence.workflow.js';

describe('one-click unsubscribe and tracked links, end to end over HTTP', () => {
  let engine: RunningEngine;
  let sequenceEngine: Engine;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    const [started, bundle] = await Promise.all([startEngine(), bundleWorkflows(fileURLToPath(new URL('./fixtures/news-sequence.workflow.ts', import.meta.url)))]);
    engine = started;
    // The fixture workflow's own worker, over the same database and catcher as the engine's.
    sequenceEngine = createEngine(
      engineConfig({ SMTP_URL: engine.smtp.url, SMTP_POOL_SIZE: '1', SMTP_RATE_PER_SECOND: '100', RELANCE_SECRET: engine.linkSecret, PUBLIC_URL: engine.baseUrl, MARKETING_PER_WEEK: '100' }),
      { db: engine.database.db },
    );
    worker = await createRelanceWorker({
      connection: engine.temporal.nativeConnection,
      namespace: 'default',
      taskQueue: 'news-sequence',
      workflowBundle: bundle,
      activities: sequenceEngine.activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await sequenceEngine?.close();
    await engine?.stop();
  });

  const raw = (path: string, init: RequestInit = {}) => fetch(`${engine.baseUrl}${path}`, { redirect: 'manual', ...init });
  const eventsOf = (contactId: string, type: string) =>
    engine.database.db.selectFrom('events').select(['message_id', 'properties']).where('contact_id', '=', contactId).where('type', '=', type).execute();
  const statusOf = async (contactId: string, topic: string) => (await listSubscriptions(engine.database.db, contactId)).find((s) => s.topic === topic)?.status;

  it('stops the next scheduled e-mail of a running sequence once the reader unsubscribes with one click; a tampered token changes nothing', async () => {
    const identify = await engine.post('/v1/identify', { type: 'identify', userId: 'u-kim', messageId: 'kim-1', traits: { email: 'kim@example.com', firstName: 'Kim' } });
    const contactId: string = identify.body.contactId;
    await setSubscriptions(engine.database.db, contactId, [{ topic: 'product_news', status: 'subscribed' }], 'test', new Date());

    const handle = await engine.temporal.client.workflow.start<typeof newsSequenceWorkflow>('newsSequenceWorkflow', {
      taskQueue: 'news-sequence',
      workflowId: `news-sequence:${contactId}`,
      args: [{ contactId, emails: 2 }],
    });
    const [first] = await engine.smtp.waitFor((message) => message.to.includes('kim@example.com'));
    expect(first!.subject).toBe('Kim, three guides picked for you');
    const unsubscribeUrl = /^<([^>]+)>/.exec(first!.headers['list-unsubscribe']!.replace(/\r?\n/g, ''))![1]!;
    expect(unsubscribeUrl.startsWith(`${engine.baseUrl}/u/`)).toBe(true);
    const path = unsubscribeUrl.slice(engine.baseUrl.length);
    const oneClick = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };

    // A forged signature and a token of another purpose are refused and change nothing.
    const forged = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await raw(forged, oneClick)).status).toBe(403);
    const preferencesPath = new URL(/href="([^"]*\/p\/[^"]+)"/.exec(first!.html)![1]!).pathname;
    expect((await raw(`/u/${preferencesPath.slice(3)}`, oneClick)).status).toBe(403);
    expect((await raw('/u/garbage', oneClick)).status).toBe(400);
    // Opening the link (a mail scanner does) shows the preference page and changes nothing either.
    const pageView = await raw(path);
    expect(pageView.status).toBe(200);
    expect(await pageView.text()).toMatch(/<input type="checkbox" name="topics" value="product_news" checked>/);
    expect(await statusOf(contactId, 'product_news')).toBe('subscribed');
    expect(await eventsOf(contactId, 'unsubscribed')).toEqual([]);

    const unsubscribed = await raw(path, oneClick);
    expect(unsubscribed.status).toBe(200);
    expect(await unsubscribed.text()).toContain('You are unsubscribed');
    expect((await raw(path, oneClick)).status).toBe(200);
    expect(await statusOf(contactId, 'product_news')).toBe('unsubscribed');
    // One event, however often the button is pressed.
    expect((await eventsOf(contactId, 'unsubscribed')).map((event) => event.properties)).toEqual([expect.objectContaining({ topic: 'product_news', source: 'one-click' })]);

    await handle.signal('nextEmail');
    const results = await handle.result();
    expect(results.map((result) => result.status)).toEqual(['sent', 'skipped']);
    expect(results[1]).toMatchObject({ reason: 'unsubscribed' });
    expect(engine.smtp.messages().filter((message) => message.to.includes('kim@example.com'))).toHaveLength(1);

    // Choosing the topic again on the preference page resubscribes.
    const saved = await raw(preferencesPath, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'topics=product_news&topics=newsletter&shown=newsletter,promotions,product_news' });
    expect(saved.status).toBe(200);
    expect(Object.fromEntries((await listSubscriptions(engine.database.db, contactId)).map((s) => [s.topic, s.status]))).toEqual({ all: 'subscribed', newsletter: 'subscribed', product_news: 'subscribed', promotions: 'unsubscribed' });
  });

  it('redirects a tracked click to its signed destination and records email_clicked; a tampered click is refused, never redirected', async () => {
    const [mail] = engine.smtp.messages().filter((message) => message.to.includes('kim@example.com'));
    const contactId = (await engine.database.db.selectFrom('contacts').select('id').where('email', '=', 'kim@example.com').executeTakeFirstOrThrow()).id;
    const clickPath = new URL(/href="([^"]*\/c\/[^"]+)"/.exec(mail!.html)![1]!).pathname;

    const before = Date.now();
    const first = await raw(clickPath);
    const again = await raw(clickPath);
    const after = Date.now();
    for (const response of [first, again]) {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://relance.example/guides/getting-started?utm_source=email&utm_campaign=product_news');
    }
    const clicks = await eventsOf(contactId, 'email_clicked');
    // Clicks are counted once per e-mail, link and minute: a double click counts once, unless the two
    // requests straddled a minute boundary.
    expect(clicks).toHaveLength(Math.floor(before / 60_000) === Math.floor(after / 60_000) ? 1 : clicks.length);
    expect(clicks.length === 1 || clicks.length === 2).toBe(true);
    expect(clicks[0]!.properties).toMatchObject({ url: 'https://relance.example/guides/getting-started?utm_source=email&utm_campaign=product_news' });

    const tampered = await raw(clickPath.slice(0, -2) + (clickPath.endsWith('AA') ? 'BB' : 'AA'));
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('location')).toBeNull();
    expect(await eventsOf(contactId, 'email_clicked')).toHaveLength(clicks.length);

    const pixelPath = new URL(/<img src="([^"]*\/o\/[^"]+)"/.exec(mail!.html)![1]!).pathname;
    const pixel = await raw(pixelPath);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect(await eventsOf(contactId, 'email_opened')).toHaveLength(1);
  });
});

describe('double opt-in and suppressions over HTTP', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const raw = (path: string, init: RequestInit = {}) => fetch(`${engine.baseUrl}${path}`, { redirect: 'manual', ...init });

  it('keeps a double opt-in subscription pending until the contact confirms through the e-mailed link', async () => {
    const identify = await engine.post('/v1/identify', { type: 'identify', userId: 'u-lea', messageId: 'lea-1', traits: { email: 'lea@example.com', firstName: 'Léa' } });
    const contactId: string = identify.body.contactId;
    const subscribe = () => engine.put(`/v1/contacts/${contactId}/subscriptions`, { topics: { newsletter: 'subscribed' }, doubleOptIn: true }, { authorization: `Bearer ${engine.keys.write}` });
    const requested = await subscribe();
    expect(requested.status).toBe(200);
    expect(requested.body.subscriptions).toEqual([expect.objectContaining({ topic: 'newsletter', status: 'pending', confirmedAt: null })]);

    const [mail] = await engine.smtp.waitFor((message) => message.to.includes('lea@example.com') && message.subject === 'Please confirm your subscription');
    expect(mail!.headers['x-relance-category']).toBe('transactional');
    expect(mail!.text).toContain('Hello Léa,');
    const confirmPath = new URL(/href="([^"]*\/confirm\/[^"]+)"/.exec(mail!.html)![1]!).pathname;

    // Opening the link shows a button and changes nothing; a forged token is refused.
    expect((await raw(confirmPath)).status).toBe(200);
    expect((await engine.get(`/v1/contacts/${contactId}/subscriptions`)).body.subscriptions[0].status).toBe('pending');
    expect((await raw(`${confirmPath.slice(0, -2)}${confirmPath.endsWith('AA') ? 'BB' : 'AA'}`, { method: 'POST' })).status).toBe(403);

    const confirmed = await raw(confirmPath, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('your subscription is confirmed');
    const after = await engine.get(`/v1/contacts/${contactId}/subscriptions`);
    expect(after.body.subscriptions).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'newsletter', status: 'subscribed', source: 'double-opt-in' })]));

    // Signing up again does not put a confirmed subscription back to pending, nor send another confirmation.
    expect((await subscribe()).body.subscriptions).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'newsletter', status: 'subscribed' })]));
    const confirmations = await engine.database.db.selectFrom('orchestration_outbox').select('payload').where('kind', '=', 'subscription_confirmation').execute();
    expect(confirmations.map((row) => row.payload)).toEqual([expect.objectContaining({ contactId, topic: 'newsletter' })]);
  });

  it('validates subscription and suppression requests, and manages suppressions with the admin key', async () => {
    const bad = await engine.put('/v1/contacts/7d3a9e10-0000-4000-8000-000000000001/subscriptions', { topics: { 'Bad Topic': 'subscribed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toContain('topics');
    expect((await engine.put('/v1/contacts/7d3a9e10-0000-4000-8000-000000000001/subscriptions', { topics: { newsletter: 'subscribed' } })).status).toBe(404);

    const suppressed = await engine.post('/v1/suppressions', { address: 'Complainer@Example.com', reason: 'complaint', detail: 'feedback loop' }, { authorization: `Bearer ${engine.keys.admin}` });
    expect(suppressed).toMatchObject({ status: 200, body: { address: 'complainer@example.com', reason: 'complaint', detail: 'feedback loop' } });
    expect((await engine.get('/v1/suppressions/complainer@example.com')).body.reason).toBe('complaint');
    expect((await engine.post('/v1/suppressions', { address: 'not-an-address', reason: 'manual' }, { authorization: `Bearer ${engine.keys.admin}` })).status).toBe(400);
    expect((await engine.post('/v1/suppressions', { address: 'x@example.com', reason: 'manual' })).status).toBe(403);
    const lifted = await fetch(`${engine.baseUrl}/v1/suppressions/complainer@example.com`, { method: 'DELETE', headers: { authorization: `Bearer ${engine.keys.admin}` } });
    expect(lifted.status).toBe(204);
    expect((await engine.get('/v1/suppressions/complainer@example.com')).status).toBe(404);
  });
});
