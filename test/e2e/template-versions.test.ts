import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// A marketer's own template, edited and published through the API alone, sent by a journey.
const version = (label: string, line: string) => `---
subject: Spring ${label}, {{ contact.firstName | default: "friend" }}
category: transactional
---
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${line}</mj-text>
      </mj-column>
    </mj-section>
    <mj-include path="./partials/footer.mjml" />
  </mj-body>
</mjml>
`;
const v1 = version('v1', 'The first spring letter.');
const v2 = version('v2', 'The second spring letter, rewritten.');
// Line 9: an mj-text straight in an mj-section.
const brokenMjml = v2.replace('      <mj-column>\n        <mj-text>The second spring letter, rewritten.</mj-text>\n      </mj-column>', '      <mj-text>not in a column</mj-text>');

const springJourney = {
  schemaVersion: 1,
  id: 'spring',
  name: 'Spring letter',
  entry: { kind: 'event', event: 'form_submitted', where: [{ path: 'properties.form', op: 'eq', value: 'spring' }] },
  start: 'letter',
  nodes: { letter: { type: 'send_email', template: 'spring-offer', next: 'done' }, done: { type: 'exit' } },
};

describe('templates through the API: the next e-mail sends the version published now, and its row says which', () => {
  let engine: RunningEngine;

  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });
  const signUp = async (name: string) => {
    const response = await engine.post('/v1/track', { type: 'track', event: 'form_submitted', userId: name, messageId: `spring-${name}`, properties: { email: `${name}@example.com`, firstName: name, form: 'spring' } });
    expect(response.status).toBe(200);
    const contactId = response.body.contactId as string;
    expect(await engine.temporal.client.workflow.getHandle(journeyWorkflowId(springJourney.id, contactId)).result()).toMatchObject({ status: 'completed' });
    return contactId;
  };
  const springRow = (contactId: string) =>
    engine.database.db.selectFrom('email_messages').select(['template', 'template_version', 'subject', 'status']).where('contact_id', '=', contactId).where('template', '=', 'spring-offer').executeTakeFirstOrThrow();

  it('refuses to publish a journey naming a template that does not exist', async () => {
    const ghost = { ...springJourney, id: 'ghost', nodes: { letter: { type: 'send_email', template: 'no-such-letter', next: 'done' }, done: { type: 'exit' } } };
    expect((await engine.post('/v1/journeys', { definition: ghost }, admin())).status).toBe(201);
    const refused = await engine.post('/v1/journeys/ghost/publish', {}, admin());
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('letter: template: no template no-such-letter');
  });

  it('sends v1, then v2 once v2 is published, while the first e-mail’s row still names v1', async () => {
    const created = await engine.post('/v1/templates', { name: 'spring-offer', source: v1 }, admin());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'spring-offer', kind: 'email', builtIn: false, publishedVersion: null, draftChanged: true });
    // A journey cannot be published before its template is.
    expect((await engine.post('/v1/journeys', { definition: springJourney }, admin())).status).toBe(201);
    expect((await engine.post('/v1/journeys/spring/publish', {}, admin())).body.message).toContain('has no published version');

    expect(await engine.post('/v1/templates/spring-offer/publish', {}, admin())).toEqual({ status: 200, body: { name: 'spring-offer', version: 1 } });
    expect((await engine.post('/v1/journeys/spring/publish', {}, admin())).status).toBe(200);

    const ann = await signUp('ann');
    const [first] = await engine.smtp.waitFor((mail) => mail.to.includes('ann@example.com') && mail.subject.startsWith('Spring'));
    expect(first?.subject).toBe('Spring v1, ann');
    expect(first?.text).toContain('The first spring letter.');
    expect(first?.text).toContain('Unsubscribe'); // the built-in footer partial
    expect(await springRow(ann)).toEqual({ template: 'spring-offer', template_version: 1, subject: 'Spring v1, ann', status: 'sent' });

    const saved = await engine.put('/v1/templates/spring-offer/draft', { source: v2 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ valid: true, problems: [], template: { publishedVersion: 1, draftChanged: true } });
    expect(await engine.post('/v1/templates/spring-offer/publish', {}, admin())).toEqual({ status: 200, body: { name: 'spring-offer', version: 2 } });

    const bob = await signUp('bob');
    const [second] = await engine.smtp.waitFor((mail) => mail.to.includes('bob@example.com') && mail.subject.startsWith('Spring'));
    expect(second?.subject).toBe('Spring v2, bob');
    expect(second?.text).toContain('The second spring letter, rewritten.');
    expect(await springRow(bob)).toMatchObject({ template_version: 2, subject: 'Spring v2, bob' });
    expect(await springRow(ann)).toMatchObject({ template_version: 1, subject: 'Spring v1, ann' });

    // What ann received can be rendered again: version 1 is kept as it was published.
    const kept = await engine.get('/v1/templates/spring-offer/versions/1');
    expect(kept.body).toMatchObject({ version: 1, source: v1, publishedBy: 'e2e admin' });
    expect((await engine.get('/v1/templates/spring-offer/versions')).body.versions.map((entry: { version: number }) => entry.version)).toEqual([2, 1]);
  });

  it('refuses to publish a draft with an MJML error, naming its line, and keeps sending the published version', async () => {
    const saved = await engine.put('/v1/templates/spring-offer/draft', { source: brokenMjml });
    expect(saved.body).toMatchObject({ valid: false, problems: [{ line: 8, reason: expect.stringContaining('mj-text cannot be used inside mj-section') }] });
    const refused = await engine.post('/v1/templates/spring-offer/publish', {}, admin());
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'invalid_template', problems: [{ line: 8, reason: expect.stringContaining('mj-text cannot be used inside mj-section') }] });
    expect(refused.body.message).toContain('line 8: MJML: mj-text cannot be used inside mj-section');
    expect((await engine.get('/v1/templates/spring-offer')).body).toMatchObject({ publishedVersion: 2, draft: brokenMjml, draftChanged: true });
  });

  it('refuses a typo in the front matter, key or value, on its line', async () => {
    await engine.put('/v1/templates/spring-offer/draft', { source: v2.replace('category: transactional', 'categroy: transactional') });
    const badKey = await engine.post('/v1/templates/spring-offer/publish', {}, admin());
    expect(badKey.status).toBe(422);
    expect(badKey.body.problems).toContainEqual({ line: 3, reason: expect.stringContaining('unknown front matter key "categroy"') });

    await engine.put('/v1/templates/spring-offer/draft', { source: v2.replace('category: transactional', 'category: transactionnal') });
    const badValue = await engine.post('/v1/templates/spring-offer/publish', {}, admin());
    expect(badValue.status).toBe(422);
    expect(badValue.body.problems).toEqual([{ line: 3, reason: 'category is marketing or transactional' }]);
    expect((await engine.get('/v1/templates/spring-offer/versions')).body.versions).toHaveLength(2);
  });

  it('refuses to delete a template a journey names (409), and deletes one nothing uses', async () => {
    const inUse = await engine.delete('/v1/templates/spring-offer');
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain('journey spring');
    expect((await engine.get('/v1/templates/spring-offer')).status).toBe(200);

    expect((await engine.post('/v1/templates', { name: 'scratch', source: v1 }, admin())).status).toBe(201);
    expect((await engine.delete('/v1/templates/scratch')).status).toBe(204);
    expect((await engine.get('/v1/templates/scratch')).status).toBe(404);
    // Built-ins are read-only: listed, copied, never edited or deleted.
    expect((await engine.delete('/v1/templates/welcome')).status).toBe(409);
    expect((await engine.put('/v1/templates/welcome/draft', { source: v1 })).status).toBe(409);
    const copy = await engine.post('/v1/templates/welcome/copy', { name: 'my-welcome' }, admin());
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'my-welcome', builtIn: false, publishedVersion: null });
    expect(copy.body.draft).toContain('subject: Welcome, {{ contact.firstName');
    const list = (await engine.get('/v1/templates')).body.templates as { name: string; builtIn: boolean; kind: string; publishedVersion: number | null }[];
    expect(list).toContainEqual(expect.objectContaining({ name: 'welcome', builtIn: true, kind: 'email', publishedVersion: 1 }));
    expect(list).toContainEqual(expect.objectContaining({ name: 'footer', builtIn: true, kind: 'partial', publishedVersion: 1 }));
  });

  it('test-sends the draft for sample data through SMTP, marked as a test, without an outbox row or a count', async () => {
    await engine.put('/v1/templates/spring-offer/draft', { source: v2.replace('rewritten', 'rewritten again') });
    const sentCount = async () => /relance_emails_total\{outcome="sent",reason=""\} (\d+)/.exec((await engine.get('/metrics')).body as string)?.[1];
    // Every real e-mail so far, counted: two spring letters and the built-in welcomes of ann and bob.
    await engine.smtp.waitFor((mail) => mail.subject.startsWith('Welcome'), { count: 2 });
    const sentBefore = await sentCount();
    expect(sentBefore).toBe('4');
    const rowsBefore = await engine.database.db.selectFrom('email_messages').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    const sent = await engine.post('/v1/templates/spring-offer/test-send', { to: 'tester@example.com', data: { contact: { firstName: 'Tess' } } }, admin());
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ to: 'tester@example.com', subject: '[Test] Spring v2, Tess' });
    const [mail] = await engine.smtp.waitFor((message) => message.to.includes('tester@example.com'));
    expect(mail?.subject).toBe('[Test] Spring v2, Tess');
    expect(mail?.headers['x-relance-test']).toBe('true');
    expect(mail?.text).toContain('rewritten again');
    // Its links go nowhere: the tester cannot unsubscribe anyone.
    expect(mail?.html).toContain('https://preview.invalid/unsubscribe');
    const rowsAfter = await engine.database.db.selectFrom('email_messages').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    expect(rowsAfter.count).toBe(rowsBefore.count);
    expect(await sentCount()).toBe(sentBefore);
    expect((await engine.post('/v1/templates/spring-offer/test-send', { to: 'not an address' }, admin())).status).toBe(400);
  });
});
