// The engine as the common server-side senders reach it: Segment's analytics-node and RudderStack's
// rudder-sdk-node (which gzips every batch) send identify, track, page, alias and group calls to a
// running engine, and the rows they leave in PostgreSQL are checked. Compressed bodies, and the zip
// bombs they allow, are checked over plain HTTP first.
import type { IncomingMessage } from 'node:http';
import { gzipSync, deflateRawSync, deflateSync, createGzip } from 'node:zlib';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScoringModel } from '../../domain/scoring/index.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

const REP = 'rep@example.com';

let engine: RunningEngine;
/** The headers of every request the engine's HTTP server received, as a sender set them. */
const received: IncomingMessage['headers'][] = [];

beforeAll(async () => {
  engine = await startEngine();
  // Copied before Fastify sees the request: the API relabels a compressed "form" as the JSON it is.
  engine.app.server.prependListener('request', (request: IncomingMessage) => received.push({ ...request.headers }));
  // Fit reads the account's size and sector as its members carry them (`account.<trait>`).
  const model = {
    ...defaultScoringModel,
    fit: {
      ...defaultScoringModel.fit,
      rules: [
        ...defaultScoringModel.fit.rules,
        { id: 'account-employees-200', description: 'Works for an account of 200 people or more', trait: 'account.employees', op: 'gte', value: 200, points: 40 },
        { id: 'account-industry', trait: 'account.industry', op: 'in', value: ['software', 'retail'], ignoreCase: true, points: 10 },
      ],
    },
  };
  const published = await engine.put('/v1/scoring-model', model);
  expect(published.status).toBe(202);
  await engine.temporal.client.workflow.getHandle(published.body.rescoreWorkflowId).result();
  // The accounts the SDKs name (by groupId) belong to the rep; everyone else to the queue.
  const rules = await engine.put('/v1/handoff/routing-rules', {
    accounts: [{ owner: REP, accountIds: ['seg-acme', 'rs-globex'] }],
    fallbackQueue: 'queue@example.com',
    sla: { businessHours: { timeZone: 'Europe/Paris' } },
  });
  expect(rules.status).toBe(200);
  expect((await engine.put(`/v1/sales/reps/${REP}`, { name: 'Rep', capacity: 10 })).status).toBe(200);
});

afterAll(async () => {
  await engine?.stop();
});

const writeKeyHeaders = () => ({ authorization: `Bearer ${engine.keys.write}`, 'content-type': 'application/json' });

async function send(path: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { ...writeKeyHeaders(), ...headers }, body });
  return { status: response.status, body: await response.json() };
}

async function storedOnce(messageIds: readonly string[]): Promise<Record<string, number>> {
  const rows = await engine.database.db
    .selectFrom('events')
    .select(['message_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('message_id', 'in', [...messageIds])
    .groupBy('message_id')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.message_id, Number(row.n)]));
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached in 30 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const contactRow = (id: string) =>
  engine.database.db.selectFrom('contacts').select(['id', 'merged_into', 'fit_points', 'fit_grade', 'stage', 'traits']).where('id', '=', id).executeTakeFirstOrThrow();

const contactOf = async (kind: 'user' | 'anonymous', value: string) =>
  (await engine.database.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', kind).where('value', '=', value).executeTakeFirstOrThrow()).contact_id;

describe('compressed bodies', () => {
  const track = (messageId: string, extra: Record<string, unknown> = {}) => ({ type: 'track', event: 'page_viewed', anonymousId: 'zip-visitor', messageId, ...extra });

  it('stores gzip, deflate (zlib and bare) and identity bodies like plain JSON', async () => {
    const batch = (id: string) => JSON.stringify({ batch: [track(`${id}-1`), track(`${id}-2`)] });
    expect(await send('/v1/batch', gzipSync(batch('gz')), { 'content-encoding': 'gzip' })).toMatchObject({ status: 200, body: { stored: 2 } });
    expect(await send('/v1/batch', deflateSync(batch('zl')), { 'content-encoding': 'deflate' })).toMatchObject({ status: 200, body: { stored: 2 } });
    expect(await send('/v1/batch', deflateRawSync(batch('raw')), { 'content-encoding': 'deflate' })).toMatchObject({ status: 200, body: { stored: 2 } });
    expect(await send('/v1/track', gzipSync(JSON.stringify(track('gz-single'))), { 'content-encoding': 'x-gzip' })).toMatchObject({ status: 200, body: { stored: true } });
    expect(await send('/v1/track', JSON.stringify(track('identity')), { 'content-encoding': 'identity' })).toMatchObject({ status: 200, body: { stored: true } });
    expect(await storedOnce(['gz-1', 'gz-2', 'zl-1', 'zl-2', 'raw-1', 'raw-2', 'gz-single', 'identity'])).toEqual({ 'gz-1': 1, 'gz-2': 1, 'zl-1': 1, 'zl-2': 1, 'raw-1': 1, 'raw-2': 1, 'gz-single': 1, identity: 1 });
  });

  it('refuses an unknown encoding with 415, a corrupt gzip with 400, and stores nothing', async () => {
    const brotli = await send('/v1/track', JSON.stringify(track('br-1')), { 'content-encoding': 'br' });
    expect(brotli).toMatchObject({ status: 415, body: { error: 'unsupported_content_encoding', message: 'Content-Encoding "br" is not supported: send the body as gzip, deflate or identity' } });
    const corrupt = gzipSync(JSON.stringify(track('corrupt-1')));
    corrupt.fill(0x41, 12, 30);
    const refused = await send('/v1/track', corrupt, { 'content-encoding': 'gzip' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_body', issues: [{ path: '(body)', message: expect.stringMatching(/^the gzip body could not be decompressed: /) }] });
    const truncated = await send('/v1/track', gzipSync(JSON.stringify(track('truncated-1'))).subarray(0, 20), { 'content-encoding': 'gzip' });
    expect(truncated.status).toBe(400);
    expect(await storedOnce(['br-1', 'corrupt-1', 'truncated-1'])).toEqual({});
  });

  it('applies the body limit to the inflated size: 3 KB of gzip inflating past 32 KB is a 413 on /v1/track', async () => {
    const large = JSON.stringify(track('inflated-1', { properties: { blob: 'x'.repeat(100_000) } }));
    const compressed = gzipSync(large);
    expect(compressed.length).toBeLessThan(32 * 1024);
    const refused = await send('/v1/track', compressed, { 'content-encoding': 'gzip' });
    expect(refused).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(refused.body.message).toContain('32768 bytes');
    expect(await storedOnce(['inflated-1'])).toEqual({});
  });

  it('refuses a zip bomb (478 KB of gzip inflating to 480 MB) with 413 while the memory stays flat', async () => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => parts.push(chunk));
    const done = new Promise((resolve) => gzip.on('end', resolve));
    gzip.write('{"batch":[{"type":"track","event":"page_viewed","anonymousId":"bomb","messageId":"bomb-1","properties":{"blob":"');
    const megabyte = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 480; i += 1) gzip.write(megabyte);
    gzip.end('"}}]}');
    await done;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(500 * 1024);

    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 5);
    const refused = await send('/v1/batch', bomb, { 'content-encoding': 'gzip' });
    clearInterval(sampler);
    const after = process.memoryUsage();
    peakRss = Math.max(peakRss, after.rss);
    peakHeap = Math.max(peakHeap, after.heapUsed);
    const rssGrowthMb = (peakRss - before.rss) / 1024 / 1024;
    const heapGrowthMb = (peakHeap - before.heapUsed) / 1024 / 1024;
    // On stderr whatever vitest does with console output: the figure the README quotes.
    process.stderr.write(`\n[node-sdks] zip bomb: ${Math.round(bomb.length / 1024)} KB of gzip (480 MB inflated) → ${refused.status}; peak RSS growth ${rssGrowthMb.toFixed(1)} MB, peak heap growth ${heapGrowthMb.toFixed(1)} MB\n`);

    expect(refused).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(refused.body.message).toContain(`${500 * 1024} bytes`);
    // The API and this client share the process: an inflated body held whole would show as ~480 MB.
    expect(rssGrowthMb).toBeLessThan(64);
    expect(heapGrowthMb).toBeLessThan(64);
    expect(await storedOnce(['bomb-1'])).toEqual({});
    expect((await engine.post('/v1/track', track('after-the-bomb'))).status).toBe(200);
  });
});

describe('Segment analytics-node', () => {
  it('stores identify, track, page, alias and group once each: the alias merges, the group writes the account, its size lifts fit and routes the hand-off to the account owner', async () => {
    const analytics = new SegmentAnalytics({ writeKey: engine.keys.write, host: engine.baseUrl, path: '/v1/batch', flushAt: 100, flushInterval: 60_000, maxRetries: 0 });
    const sent: string[] = [];
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on('http_request', (request) => sent.push(...(JSON.parse(String(request.body)) as { batch: { messageId: string }[] }).batch.map((event) => event.messageId)));
    analytics.on('http_response', (response) => statuses.push(response.status));
    analytics.on('error', (error) => errors.push(error));

    // A known user who asked for a quote: a lead, engaged enough for MQL but not a fit (no company yet).
    analytics.identify({ userId: 'seg-user', traits: { email: 'ada@acme.example', firstName: 'Ada' } });
    analytics.track({ userId: 'seg-user', event: 'quote_requested', properties: { source: 'pricing' } });
    await analytics.flush();
    // The same person browsing anonymously on another device.
    analytics.page({ anonymousId: 'seg-anon', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.track({ anonymousId: 'seg-anon', event: 'cart_updated', properties: { total: 40, currency: 'EUR' } });
    await analytics.flush();
    const user = await contactOf('user', 'seg-user');
    const anonymous = await contactOf('anonymous', 'seg-anon');
    expect(anonymous).not.toBe(user);
    expect(await contactRow(user)).toMatchObject({ stage: 'lead', fit_points: 0, fit_grade: 'D' });

    analytics.alias({ previousId: 'seg-anon', userId: 'seg-user' });
    await analytics.flush();
    analytics.group({ userId: 'seg-user', groupId: 'seg-acme', traits: { name: 'Acme', employees: 500, industry: 'Software', plan: 'enterprise' } });
    await analytics.closeAndFlush();

    expect(errors).toEqual([]);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(sent).toHaveLength(6);
    expect(await storedOnce(sent)).toEqual(Object.fromEntries(sent.map((id) => [id, 1])));
    await expectMergedAndGrouped({ user, anonymous, userId: 'seg-user', anonymousId: 'seg-anon', accountId: 'seg-acme', accountName: 'Acme', anonymousEvents: ['page_viewed', 'cart_updated'] });
  });
});

describe('RudderStack rudder-sdk-node', () => {
  it('is read although it gzips every batch and labels it a form: identify, track, page, alias and group stored once, merged, grouped, routed', async () => {
    const errors: unknown[] = [];
    const client = new RudderAnalytics(engine.keys.write, { dataPlaneUrl: engine.baseUrl, flushAt: 100, flushInterval: 60_000, retryCount: 0, logLevel: 'error', errorHandler: (error: unknown) => errors.push(error) });
    const before = received.length;
    let n = 0;
    // The SDK keeps a messageId it is given (`enqueue`: `if (!lMessage.messageId)`), though its types leave it out.
    const withId = () => ({ messageId: `rs-${(n += 1)}` });

    client.identify({ ...withId(), userId: 'rs-user', traits: { email: 'grace@globex.example', firstName: 'Grace' } });
    client.track({ ...withId(), userId: 'rs-user', event: 'quote_requested' });
    await client.flush();
    client.page({ ...withId(), anonymousId: 'rs-anon', name: 'Pricing', properties: { path: '/pricing' } });
    client.track({ ...withId(), anonymousId: 'rs-anon', event: 'cart_updated', properties: { total: 40, currency: 'EUR' } });
    await client.flush();
    const user = await contactOf('user', 'rs-user');
    const anonymous = await contactOf('anonymous', 'rs-anon');
    expect(await contactRow(user)).toMatchObject({ stage: 'lead', fit_points: 0, fit_grade: 'D' });

    client.alias({ ...withId(), previousId: 'rs-anon', userId: 'rs-user' });
    await client.flush();
    client.group({ ...withId(), userId: 'rs-user', groupId: 'rs-globex', traits: { name: 'Globex', employees: 1200, industry: 'retail' } });
    await client.flush();

    expect(errors).toEqual([]);
    const batches = received.slice(before).filter((headers) => headers['user-agent']?.startsWith('analytics-node/'));
    expect(batches.length).toBeGreaterThanOrEqual(4);
    for (const headers of batches) expect(headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded' });
    const ids = Array.from({ length: n }, (_, index) => `rs-${index + 1}`);
    expect(await storedOnce(ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    await expectMergedAndGrouped({ user, anonymous, userId: 'rs-user', anonymousId: 'rs-anon', accountId: 'rs-globex', accountName: 'Globex', anonymousEvents: ['page_viewed', 'cart_updated'] });
  });
});

/** What the alias and group calls leave: one person, their account, its traits in fit, the hand-off to the account's owner. */
async function expectMergedAndGrouped(expected: { user: string; anonymous: string; userId: string; anonymousId: string; accountId: string; accountName: string; anonymousEvents: string[] }): Promise<void> {
  const { db } = engine.database;
  // The anonymous profile was merged into the user: its identity, its events, one person.
  expect(await contactRow(expected.anonymous)).toMatchObject({ merged_into: expected.user });
  expect(await contactOf('anonymous', expected.anonymousId)).toBe(expected.user);
  const browsing = await db.selectFrom('events').select(['type', 'contact_id']).where('anonymous_id', '=', expected.anonymousId).orderBy('id').execute();
  expect(browsing).toEqual(expected.anonymousEvents.map((type) => ({ type, contact_id: expected.user })));
  const merges = await db.selectFrom('contact_merges').select(['from_contact_id', 'into_contact_id']).where('from_contact_id', '=', expected.anonymous).execute();
  expect(merges).toEqual([{ from_contact_id: expected.anonymous, into_contact_id: expected.user }]);
  const stored = await db.selectFrom('events').select(['type', 'properties']).where('contact_id', '=', expected.user).where('type', 'in', ['aliased', 'grouped']).orderBy('id').execute();
  expect(stored).toEqual([
    { type: 'aliased', properties: { previousId: expected.anonymousId } },
    { type: 'grouped', properties: { groupId: expected.accountId } },
  ]);

  // The account and the membership.
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', expected.accountId).executeTakeFirstOrThrow();
  expect(account.traits['name']).toMatchObject({ value: expected.accountName, source: 'form' });
  expect(await db.selectFrom('account_members').select(['account_id', 'contact_id']).where('account_id', '=', expected.accountId).execute()).toEqual([{ account_id: expected.accountId, contact_id: expected.user }]);

  // The account's size and sector count toward fit, as the member's `account.` traits: grade D → B, so MQL.
  const contact = await contactRow(expected.user);
  expect(contact).toMatchObject({ fit_points: 50, fit_grade: 'B', stage: 'mql' });
  expect(contact.traits['account.id']).toMatchObject({ value: expected.accountId, source: 'form' });
  expect(contact.traits['account.name']).toMatchObject({ value: expected.accountName, source: 'form' });
  const score = await engine.get(`/v1/contacts/${expected.user}/score`);
  expect(score.body.fit.lines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ ruleId: 'account-employees-200', trait: 'account.employees', points: 40 }),
      expect.objectContaining({ ruleId: 'account-industry', trait: 'account.industry', points: 10 }),
    ]),
  );

  // The hand-off goes to the rep who owns the account, by the account's id.
  const handoff = await eventually(
    async () => (await db.selectFrom('handoffs').select(['owner', 'routing_rule', 'status']).where('contact_id', '=', expected.user).where('owner', 'is not', null).executeTakeFirst()) ?? undefined,
    `the hand-off of ${expected.userId} is routed`,
  );
  expect(handoff).toMatchObject({ owner: REP, status: 'assigned', routing_rule: { kind: 'account', reason: `account owner of account ${expected.accountId}` } });
}
