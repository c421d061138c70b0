// Ingestion: events/s stored through /v1/batch (identity, scoring and stages included) against
// one INSERT per event, single-event latency at a fixed request rate, score-ledger rows/s, and the
// API's peak RSS. The API runs in a child process on the machine's PostgreSQL (as the tests do).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../db/api-key.repository.js';
import { createDb } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../test/support/postgres.js';
import { type BenchFigure, type BenchSuite, percentiles, ratioOf, round, runConcurrent } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PATHS = ['/', '/blog/a', '/blog/b', '/pricing', '/product/x', '/docs', '/careers', '/quote'];

function pageEvent(run: string, i: number, visitors: number) {
  return {
    type: 'page',
    anonymousId: `v-${run}-${i % visitors}`,
    messageId: `${run}-${i}`,
    properties: { path: PATHS[i % PATHS.length], durationSeconds: i % 90 },
  };
}

/** A browsing session: `pages` consecutive page views of one visitor, so a batch holds few contacts. */
function sessionEvent(run: string, i: number, pages: number) {
  return { ...pageEvent(run, i, Number.MAX_SAFE_INTEGER), anonymousId: `s-${run}-${Math.floor(i / pages)}` };
}

function peakRssBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

export async function benchIngest(options: { batches?: number; baselineEvents?: number; rate?: number; seconds?: number } = {}): Promise<BenchFigure[]> {
  const batches = options.batches ?? 160;
  const baselineEvents = options.baselineEvents ?? 4_000;
  const rate = options.rate ?? 1_000;
  const seconds = options.seconds ?? 5;

  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const url = databaseUrl(postgres.adminUrl, name);
  const db = createDb(url, { poolMax: 4 });
  // With the young generation the API runs with (`npm run api`, `npm start`): a batch allocates a few
  // MB of short-lived objects, and the default 16 MB semi-space meant a scavenge every few batches.
  const server = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', path.join(ROOT, 'bench', 'ingest-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await migrateToLatest(db);
    const { key } = await createApiKey(db, { name: 'bench', role: 'write' });
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        const match = /PORT=(\d+)/.exec(chunk.toString());
        if (match !== null) resolve(Number(match[1]));
      });
      server.once('exit', (code) => reject(new Error(`bench API exited with ${code}`)));
    });
    // Keep-alive connections, at most 64: a client with a bounded pool, as an SDK or a proxy has.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const post = (route: string, payload: string) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port, path: route, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${key}` } },
          (response) => {
            response.resume();
            response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${route} answered ${response.statusCode}`))));
          },
        );
        request.on('error', reject);
        request.end(payload);
      });

    // Warm-up: first contacts, the model cache, JIT.
    // Request bodies are written before the clock starts: the load generator shares the API's two
    // cores, and its JSON.stringify of 150 KB per request is no part of what the API costs.
    const batchBodies = (count: number, event: (i: number) => object) =>
      Array.from({ length: count }, (_, b) => JSON.stringify({ batch: Array.from({ length: 500 }, (_, i) => event(b * 500 + i)) }));
    const warmBodies = batchBodies(10, (i) => pageEvent('warm', i, 2_000));
    await runConcurrent(10, 2, (b) => post('/v1/batch', warmBodies[b]!));

    const ledgerBefore = Number((await adminQuery(url, 'select count(*) as n from score_ledger')).rows[0].n);
    const bodies = batchBodies(batches, (i) => pageEvent('batch', i, 20_000));
    const batchRun = await runConcurrent(batches, 4, (b) => post('/v1/batch', bodies[b]!));
    const stored = batches * 500;
    const eventsPerSecond = stored / (batchRun.totalMs / 1000);
    const ledgerRows = Number((await adminQuery(url, 'select count(*) as n from score_ledger')).rows[0].n) - ledgerBefore;
    const rssAfterBatch = peakRssBytes(server.pid!);

    // The same volume shaped as sessions (10 page views per visitor, as a site's server-side source
    // batches them): 50 contacts per batch instead of 500, so per-contact work is shared.
    const SESSION_PAGES = 10;
    const sessionBodies = batchBodies(batches, (i) => sessionEvent('session', i, SESSION_PAGES));
    const sessionRun = await runConcurrent(batches, 4, (b) => post('/v1/batch', sessionBodies[b]!));
    const sessionEventsPerSecond = stored / (sessionRun.totalMs / 1000);

    // Baseline: the same events, one INSERT statement each, straight into the events table.
    const contact = await db.insertInto('contacts').values({ traits: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const baseline = await runConcurrent(baselineEvents, 4, async (i) => {
      const event = pageEvent('naive', i, 20_000);
      await db
        .insertInto('events')
        .values({
          message_id: event.messageId,
          contact_id: contact.id,
          type: 'page_viewed',
          user_id: null,
          anonymous_id: event.anonymousId,
          occurred_at: new Date(),
          received_at: new Date(),
          properties: JSON.stringify(event.properties),
          traits: '{}',
          context: '{}',
        })
        .execute();
    });

    // Single events at a fixed rate, open loop: each request is due at its slot whether or not the
    // previous ones have answered, and its latency counts from its slot (no coordinated omission).
    const total = rate * seconds;
    const latencies: number[] = [];
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        try {
          await post('/v1/page', JSON.stringify(pageEvent('single', i, 5_000)));
          latencies.push(performance.now() - due);
        } catch {
          failures += 1;
        }
      }),
    );
    const latency = percentiles(latencies, [50, 99]);
    const apiPeakRss = peakRssBytes(server.pid!);
    agent.destroy();

    return [
      {
        id: 'ingest.batch',
        name: 'events stored via /v1/batch (500/request, 4 in flight; identity + scoring + stages)',
        value: round(eventsPerSecond),
        unit: 'events/s',
        baseline: { name: 'one INSERT per event (events table only)', value: round(baseline.perSecond) },
        ratio: ratioOf(eventsPerSecond, baseline.perSecond),
        target: { op: '>=', value: 20_000 },
      },
      {
        id: 'ingest.batch-sessions',
        name: 'events stored via /v1/batch shaped as sessions (10 page views per visitor, 50 contacts per request)',
        value: round(sessionEventsPerSecond),
        unit: 'events/s',
        baseline: { name: 'every event of a request a different contact (above)', value: round(eventsPerSecond) },
        ratio: ratioOf(sessionEventsPerSecond, eventsPerSecond),
      },
      {
        id: 'ingest.ledger',
        name: 'score-ledger rows written during the batch run',
        value: round(ledgerRows / (batchRun.totalMs / 1000)),
        unit: 'rows/s',
        target: { op: '>=', value: 20_000 },
        notes: `${ledgerRows} ledger rows for ${stored} events (caps give most repeat page views 0 points)`,
      },
      { id: 'ingest.single-p50', name: `single-event /v1/page latency p50 at ${rate} req/s`, value: round(latency['p50'] ?? Number.NaN), unit: 'ms' },
      { id: 'ingest.single-p99', name: `single-event /v1/page latency p99 at ${rate} req/s`, value: round(latency['p99'] ?? Number.NaN), unit: 'ms', target: { op: '<', value: 25 }, notes: `${latencies.length} answered 200, ${failures} failed` },
      { id: 'ingest.api-rss-batch', name: 'API peak RSS after the batch run', value: round(rssAfterBatch / 1_048_576), unit: 'MB' },
      { id: 'ingest.api-rss', name: 'API peak RSS after the single-event run', value: round(apiPeakRss / 1_048_576), unit: 'MB' },
    ];
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await db.destroy();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const ingestSuite: BenchSuite = {
  name: 'ingest',
  description: 'events/s through /v1/batch into PostgreSQL vs one INSERT per event; single-event latency at 1,000 req/s; API RSS',
  run: () => benchIngest(),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await benchIngest()) console.log(figure);
}
