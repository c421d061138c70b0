// Where one /v1/batch request spends its time: `npx tsx --max-semi-space-size=64 bench/ingest-profile.ts [batches] [in flight]`.
// The API runs in this process (app.inject, no socket) on a fresh database, with the same events as
// bench/ingest.bench.ts, 4 requests in flight. Prints the JS-side costs (JSON parse, zod, the whole
// request), each SQL statement's client-side time (summed over the run, grouped by its first words),
// and the CPU used by this process and by this database's PostgreSQL backends.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { buildApp } from '../api/app.js';
import { createApiKey } from '../db/api-key.repository.js';
import type { Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { InboundEvent } from '../domain/events.js';
import { createEngine } from '../engine/engine.js';
import { adminQuery, databaseUrl, provideTestPostgres } from '../test/support/postgres.js';
import { engineConfig } from '../test/support/engine-config.js';
import { runConcurrent } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PATHS = ['/', '/blog/a', '/blog/b', '/pricing', '/product/x', '/docs', '/careers', '/quote'];
const pageEvent = (run: string, i: number, visitors: number) => ({
  type: 'page',
  anonymousId: `v-${run}-${i % visitors}`,
  messageId: `${run}-${i}`,
  properties: { path: PATHS[i % PATHS.length], durationSeconds: i % 90 },
});

const batches = Number(process.argv[2] ?? 160);
const inFlight = Number(process.argv[3] ?? 4);
const postgres = await provideTestPostgres(ROOT, () => undefined);
const name = `relance_profile_${Date.now().toString(36)}`;
await adminQuery(postgres.adminUrl, `create database ${name}`);
const url = databaseUrl(postgres.adminUrl, name);

const statements = new Map<string, { count: number; ms: number }>();
let recording = false;
const label = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/\(\$\d+.*$/, '(…')
    .replace(/ in \(.*$/, ' in (…')
    .slice(0, 90);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool }),
  log(event) {
    if (!recording) return;
    const key = label(event.query.sql);
    const entry = statements.get(key) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += event.queryDurationMillis;
    statements.set(key, entry);
  },
});

function backendCpuMs(pids: number[]): { total: number; system: number } {
  let ticks = 0;
  let systemTicks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      systemTicks += Number(fields[12]);
    } catch {
      // A backend that has exited since.
    }
  }
  return { total: ticks * 10, system: systemTicks * 10 };
}

try {
  await migrateToLatest(db);
  const { key } = await createApiKey(db, { name: 'profile', role: 'write' });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  // The timed pool above is the engine's database: the profile sees every statement the API sends.
  const app = await buildApp({ engine: createEngine(engineConfig({ TEMPORAL_TASK_QUEUE: 'profile' }), { db, temporal }), logLevel: 'silent' });
  const post = async (body: unknown) => {
    const response = await app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload: JSON.stringify(body) });
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}: ${response.body}`);
  };
  await runConcurrent(10, 2, (b) => post({ batch: Array.from({ length: 500 }, (_, i) => pageEvent('warm', b * 500 + i, 2_000)) }));

  // JS-only costs of one batch, measured alone.
  const sample = JSON.stringify({ batch: Array.from({ length: 500 }, (_, i) => pageEvent('sample', i, 20_000)) });
  const reps = 50;
  let t = performance.now();
  for (let r = 0; r < reps; r += 1) JSON.parse(sample);
  const parseMs = (performance.now() - t) / reps;
  const parsed = JSON.parse(sample) as { batch: unknown[] };
  t = performance.now();
  for (let r = 0; r < reps; r += 1) for (const item of parsed.batch) InboundEvent.safeParse(item);
  const zodMs = (performance.now() - t) / reps;

  const pids = (await adminQuery(postgres.adminUrl, `select pid from pg_stat_activity where datname = '${name}'`)).rows.map((row: { pid: number }) => row.pid);
  const cpuBefore = process.cpuUsage();
  const pgBefore = backendCpuMs(pids);
  recording = true;
  const run = await runConcurrent(batches, inFlight, (b) => post({ batch: Array.from({ length: 500 }, (_, i) => pageEvent('batch', b * 500 + i, 20_000)) }));
  recording = false;
  const cpu = process.cpuUsage(cpuBefore);
  // Backends opened during the run started from zero: counted whole.
  const pidsAfter = (await adminQuery(postgres.adminUrl, `select pid from pg_stat_activity where datname = '${name}'`)).rows.map((row: { pid: number }) => row.pid);
  const pgAfter = backendCpuMs([...new Set([...pids, ...pidsAfter])]);
  const pgCpu = pgAfter.total - pgBefore.total;
  const pgSystem = pgAfter.system - pgBefore.system;
  pids.splice(0, pids.length, ...new Set([...pids, ...pidsAfter]));
  const events = batches * 500;

  console.log(`${batches} batches of 500 in ${Math.round(run.totalMs)} ms: ${Math.round(events / (run.totalMs / 1000))} events/s`);
  console.log(`per batch (alone): JSON.parse ${parseMs.toFixed(2)} ms, zod ${zodMs.toFixed(2)} ms`);
  console.log(
    `CPU per batch: node ${((cpu.user + cpu.system) / 1000 / batches).toFixed(1)} ms (system ${(cpu.system / 1000 / batches).toFixed(1)}), postgres backends ${(pgCpu / batches).toFixed(1)} ms (system ${(pgSystem / batches).toFixed(1)}; ${pids.length} backends)`,
  );
  const total = [...statements.values()].reduce((sum, entry) => sum + entry.ms, 0);
  console.log(`SQL client-side time per batch: ${(total / batches).toFixed(1)} ms over ${[...statements.values()].reduce((s, e) => s + e.count, 0) / batches} statements`);
  for (const [text, entry] of [...statements].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`${(entry.ms / batches).toFixed(2).padStart(7)} ms ${String(entry.count).padStart(6)}×  ${text}`);
  }
  await app.close();
} finally {
  await db.destroy();
  if (process.env['KEEP_DB'] !== undefined) {
    console.log(`kept ${url}`);
    process.exit(0);
  }
  // Without (force): it would try to end an autovacuum worker too, which this role may not.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const dropped = await adminQuery(postgres.adminUrl, `drop database if exists ${name}`).then(() => true, () => false);
    if (dropped) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
