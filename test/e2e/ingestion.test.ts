import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rescoreWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

describe('events, identity, scoring and stages over HTTP', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const storedMessageIds = async (prefix: string) =>
    (await engine.database.db.selectFrom('events').select('message_id').where('message_id', 'like', `${prefix}%`).orderBy('message_id').execute()).map(
      (row) => row.message_id,
    );

  describe('batch', () => {
    const batch = [
      { type: 'page', anonymousId: 'batch-visitor', messageId: 'batch-1', properties: { path: '/pricing' } },
      { type: 'track', anonymousId: 'batch-visitor', messageId: 'batch-2' },
      { type: 'track', event: 'cart_updated', messageId: 'batch-3' },
      { type: 'page', anonymousId: 'batch-visitor', messageId: 'batch-4', timestamp: 'last tuesday' },
      { type: 'track', event: 'form_submitted', anonymousId: 'batch-visitor', messageId: 'batch-5', properties: { email: 'bea@example.com', firstName: 'Bea' } },
      'not an event',
    ];

    it('stores the valid events and reports each invalid one by index with the field and reason', async () => {
      const response = await engine.post('/v1/batch', { batch });
      expect(response.status).toBe(200);
      expect(response.body.stored).toBe(2);
      expect(response.body.duplicates).toBe(0);
      expect(response.body.rejected.map((entry: any) => [entry.index, entry.issues.map((issue: any) => issue.path)])).toEqual([
        [1, ['event']],
        [2, ['userId']],
        [3, ['timestamp']],
        [5, ['(body)']],
      ]);
      expect(response.body.rejected[0].messageId).toBe('batch-2');
      expect(await storedMessageIds('batch-')).toEqual(['batch-1', 'batch-5']);
    });

    it('acknowledges a retried batch without storing anything twice', async () => {
      const response = await engine.post('/v1/batch', { batch });
      expect(response.body).toMatchObject({ stored: 0, duplicates: 2 });
      expect(await storedMessageIds('batch-')).toEqual(['batch-1', 'batch-5']);
      // Both events belong to the one visitor.
      expect(new Set(response.body.results.map((result: any) => result.contactId)).size).toBe(1);
    });

    it('refuses a batch with nothing valid, too many events, or too many bytes', async () => {
      expect((await engine.post('/v1/batch', { batch: [{ type: 'track' }] })).status).toBe(400);
      const tooMany = await engine.post('/v1/batch', {
        batch: Array.from({ length: 501 }, (_, i) => ({ type: 'page', anonymousId: 'x', messageId: `many-${i}` })),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.issues[0].path).toBe('batch');
      const tooBig = await engine.post('/v1/batch', { batch: [{ type: 'page', anonymousId: 'x', messageId: 'big', properties: { blob: 'x'.repeat(600 * 1024) } }] });
      expect(tooBig.status).toBe(413);
      expect(await storedMessageIds('many-')).toEqual([]);
      expect(await storedMessageIds('big')).toEqual([]);
    });
  });

  describe('identity', () => {
    const pages = (anonymousId: string, prefix: string) =>
      ['/pricing', '/product/a', '/'].map((path, i) => ({
        type: 'page',
        anonymousId,
        messageId: `${prefix}-page-${i}`,
        timestamp: `2026-11-20T10:0${i}:00.000Z`,
        properties: { path },
      }));

    it('merges an anonymous history into the known contact, whichever arrives first', async () => {
      // Anonymous pages first, then the identify call.
      await engine.post('/v1/batch', { batch: pages('anon-first', 'order-a') });
      const identifiedAfter = await engine.post('/v1/identify', {
        type: 'identify',
        userId: 'user-a',
        anonymousId: 'anon-first',
        messageId: 'order-a-identify',
        traits: { email: 'first@example.com' },
      });
      // The identify call first, then the pages.
      const identifiedBefore = await engine.post('/v1/identify', {
        type: 'identify',
        userId: 'user-b',
        anonymousId: 'anon-later',
        messageId: 'order-b-identify',
        traits: { email: 'later@example.com' },
      });
      const laterPages = await engine.post('/v1/batch', { batch: pages('anon-later', 'order-b') });
      expect(new Set(laterPages.body.results.map((result: any) => result.contactId))).toEqual(new Set([identifiedBefore.body.contactId]));

      const a = await engine.get(`/v1/contacts/${identifiedAfter.body.contactId}`);
      const b = await engine.get(`/v1/contacts/${identifiedBefore.body.contactId}`);
      for (const [profile, anonymousId, userId] of [
        [a.body, 'anon-first', 'user-a'],
        [b.body, 'anon-later', 'user-b'],
      ] as const) {
        expect(profile.identities).toEqual(expect.arrayContaining([{ kind: 'anonymous', value: anonymousId }, { kind: 'user', value: userId }]));
        expect(profile.recentEvents.filter((event: any) => event.type === 'page_viewed')).toHaveLength(3);
        expect(profile.stage).toBe('lead');
      }
      // Same history, same score, whatever the order of arrival.
      expect(a.body.score.engagement).toBeGreaterThan(0);
      expect(a.body.score.engagement).toBe(b.body.score.engagement);
    });

    it('folds two existing profiles into one when an identify links them', async () => {
      const anonymous = await engine.post('/v1/batch', { batch: pages('anon-two', 'two') });
      const anonymousId = anonymous.body.results[0].contactId;
      const known = await engine.post('/v1/identify', { type: 'identify', userId: 'user-two', messageId: 'two-known', traits: { email: 'two@example.com', firstName: 'Tess' } });
      expect(known.body.contactId).not.toBe(anonymousId);

      const link = await engine.post('/v1/identify', { type: 'identify', userId: 'user-two', anonymousId: 'anon-two', messageId: 'two-link' });
      expect(link.body.contactId).toBe(known.body.contactId);
      // Asking for the anonymous profile answers with the person it turned out to be.
      const merged = await engine.get(`/v1/contacts/${anonymousId}`);
      expect(merged.body.id).toBe(known.body.contactId);
      expect(merged.body.mergedFrom).toEqual([anonymousId]);
      expect(merged.body.traits.firstName.value).toBe('Tess');
      expect(merged.body.recentEvents.filter((event: any) => event.type === 'page_viewed')).toHaveLength(3);
      const score = await engine.get(`/v1/contacts/${known.body.contactId}/score`);
      expect(score.body.engagement.lines.map((line: any) => line.ruleId)).toEqual(
        expect.arrayContaining(['page-view', 'pricing-page-view', 'product-page-view']),
      );
      // Linking again changes nothing.
      await engine.post('/v1/identify', { type: 'identify', userId: 'user-two', anonymousId: 'anon-two', messageId: 'two-link-again' });
      const again = await engine.get(`/v1/contacts/${known.body.contactId}/score`);
      expect(again.body.engagement.total).toBe(score.body.engagement.total);
    });
  });

  it('gives one consistent, capped score to concurrent events of one contact', async () => {
    const day = '2026-11-21T09:00:00.000Z';
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        engine.post('/v1/page', { type: 'page', anonymousId: 'busy-visitor', messageId: `busy-${i}`, timestamp: day, properties: { path: '/blog' } }),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const contactIds = new Set(responses.map((response) => response.body.contactId));
    expect(contactIds.size).toBe(1);
    const [contactId] = [...contactIds];
    const ledger = await engine.database.db.selectFrom('score_ledger').select(['rule_id', 'points']).where('contact_id', '=', contactId as string).execute();
    // Page views count at most 10 points a day, however many arrive at once.
    expect(ledger.reduce((sum, line) => sum + line.points, 0)).toBe(10);
    expect(await storedMessageIds('busy-')).toHaveLength(40);
  });

  it('qualifies a lead as MQL, records every stage change with its reason, and counts the funnel', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const identify = await engine.post('/v1/identify', {
      type: 'identify',
      userId: 'user-mql',
      messageId: 'mql-identify',
      traits: { email: 'cto@example.com', jobTitle: 'CTO', companySize: 250 },
    });
    const contactId = identify.body.contactId;
    await engine.post('/v1/track', { type: 'track', event: 'quote_requested', userId: 'user-mql', messageId: 'mql-quote' });
    await engine.post('/v1/track', { type: 'track', event: 'form_submitted', userId: 'user-mql', messageId: 'mql-form', properties: { form: 'demo' } });

    const profile = await engine.get(`/v1/contacts/${contactId}`);
    expect(profile.body.stage).toBe('mql');
    expect(profile.body.score.grade).toBe('B');
    expect(profile.body.stageHistory.map((change: any) => [change.from, change.to])).toEqual([
      ['visitor', 'lead'],
      ['lead', 'mql'],
    ]);
    expect(profile.body.stageHistory[1].reason).toMatch(/engagement .* ≥ 50 and fit grade B ≥ B/);
    const stageEvents = profile.body.recentEvents.filter((event: any) => event.type === 'stage_changed');
    expect(stageEvents.map((event: any) => event.properties.to).sort()).toEqual(['lead', 'mql']);

    const funnel = await engine.get(`/v1/funnel?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(funnel.status).toBe(200);
    expect(funnel.body.stages.find((stage: any) => stage.stage === 'mql').entered).toBeGreaterThanOrEqual(1);

    const search = await engine.get('/v1/contacts?stage=mql&minScore=50');
    expect(search.body.contacts.map((contact: any) => contact.id)).toContain(contactId);
    const lowScores = await engine.get('/v1/contacts?stage=mql&maxScore=10');
    expect(lowScores.body.contacts.map((contact: any) => contact.id)).not.toContain(contactId);
  });

  it('keeps a value a sales rep set by hand when an automatic update arrives, with both in the audit trail', async () => {
    const identify = await engine.post('/v1/identify', { type: 'identify', userId: 'user-sales', messageId: 'sales-1', traits: { email: 'sam@example.com', jobTitle: 'Intern' } });
    const contactId = identify.body.contactId;
    const edit = await engine.patch(`/v1/contacts/${contactId}/traits`, { traits: { jobTitle: 'VP Sales' } }, { authorization: `Bearer ${engine.keys.sales}` });
    expect(edit.status).toBe(200);
    await engine.post('/v1/identify', { type: 'identify', userId: 'user-sales', messageId: 'sales-2', traits: { jobTitle: 'Intern again', company: 'Acme' } });

    const profile = await engine.get(`/v1/contacts/${contactId}`);
    expect(profile.body.traits.jobTitle).toMatchObject({ value: 'VP Sales', source: 'sales' });
    expect(profile.body.traits.company).toMatchObject({ value: 'Acme', source: 'form' });
    const history = await engine.get(`/v1/contacts/${contactId}/trait-history`);
    const jobTitle = history.body.changes.filter((change: any) => change.trait === 'jobTitle');
    expect(jobTitle.map((change: any) => [change.outcome, change.after.value, change.actor.split(':')[0]])).toEqual([
      ['applied', 'Intern', 'event'],
      ['applied', 'VP Sales', 'sales'],
      ['refused', 'Intern again', 'event'],
    ]);
  });

  it('lets a write key send events but not read contacts or change the scoring model', async () => {
    const write = { authorization: `Bearer ${engine.keys.write}` };
    expect((await engine.get('/v1/contacts', write)).status).toBe(403);
    expect((await engine.put('/v1/scoring-model', {}, write)).status).toBe(403);
    expect((await engine.get('/v1/contacts', {})).status).toBe(401);
  });

  it('re-scores every contact from its stored events when the scoring model changes', async () => {
    const visit = await engine.post('/v1/page', { type: 'page', anonymousId: 'rescored', messageId: 'rescore-1', properties: { path: '/careers' } });
    const before = await engine.get(`/v1/contacts/${visit.body.contactId}/score`);
    expect(before.body.model.version).toBe(1);

    const model = (await engine.get('/v1/scoring-model')).body;
    const invalid = await engine.put('/v1/scoring-model', { ...model, halfLifeDays: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues[0].path).toBe('halfLifeDays');

    const changed = {
      ...model,
      engagement: { rules: model.engagement.rules.map((rule: any) => (rule.id === 'page-view' ? { ...rule, points: 4, cap: { points: 40, per: 'day' } } : rule)) },
    };
    const published = await engine.put('/v1/scoring-model', changed);
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ id: model.id, version: 2, rescoreWorkflowId: rescoreWorkflowId(model.id, 2) });
    const result = await engine.temporal.client.workflow.getHandle(published.body.rescoreWorkflowId).result();
    expect(result.rescored).toBeGreaterThan(5);
    const progress = await engine.get('/v1/scoring-model/rescores/2');
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ modelId: model.id, version: 2, rescoreWorkflowId: published.body.rescoreWorkflowId, status: 'completed', rescored: result.rescored });
    expect((await engine.get('/v1/scoring-model/rescores/99')).body).toMatchObject({ error: 'not_found', message: `no re-score of ${model.id} v99` });

    const after = await engine.get(`/v1/contacts/${visit.body.contactId}/score`);
    expect(after.body.model.version).toBe(2);
    expect(after.body.engagement.lines.find((line: any) => line.ruleId === 'page-view').points).toBe(4);
  });
});
