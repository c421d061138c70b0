// The console's screens at volume: 100,000 contacts (traits, stages, scores, 3 events and their ledger
// lines each, stage history, subscriptions), hand-offs in reps' inboxes and newsletters, bulk-inserted
// in SQL; then the API calls behind each screen over loopback HTTP, with a console admin's own path
// (an admin key: the same routes and queries), p50/p95 against the 300 ms target. Also the gzipped size
// of the first screen's JavaScript from the console build (target < 250 KB).
//
//   npm run bench -- console        BENCH_CONSOLE_CONTACTS=100000, BENCH_CONSOLE_SAMPLES=30

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { sql } from 'kysely';
import { buildApp } from '../api/app.js';
import { createApiKey } from '../db/api-key.repository.js';
import { createDb } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createNewsletter } from '../db/newsletter.repository.js';
import { ensureConsoleBuilt } from '../scripts/console-build.js';
import { ensureTemporalCli } from '../scripts/temporal-tools.js';
import { adminQuery, databaseUrl, dropDatabase, provideTestPostgres } from '../test/support/postgres.js';
import { engineConfig } from '../test/support/engine-config.js';
import { createEngine } from '../engine/engine.js';
import { type BenchFigure, type BenchSuite, countFromEnv, percentiles, round } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MS = 300;
const REPS = 20;
const COUNTRIES = ['FR', 'DE', 'BE', 'CH', 'ES', 'IT', 'NL', 'GB'];

/** Contacts in lifecycle proportions, each with three page views scored, its stage history and a newsletter subscription. */
async function seed(db: ReturnType<typeof createDb>, contacts: number): Promise<void> {
  const trait = (value: ReturnType<typeof sql>) => sql`jsonb_build_object('value', ${value}, 'source', 'identify', 'updatedAt', '2026-11-01T00:00:00.000Z')`;
  await sql`
    insert into contacts (email, traits, stage, updated_at, last_activity_at, engagement_score, engagement_scored_at, engagement_sum, fit_points, fit_grade)
    select
      'person' || g || '@example.com',
      jsonb_build_object(
        'email', ${trait(sql`to_jsonb('person' || g || '@example.com')`)},
        'firstName', ${trait(sql`to_jsonb('Person ' || g)`)},
        'country', ${trait(sql`to_jsonb((${COUNTRIES}::text[])[1 + g % ${COUNTRIES.length}])`)},
        'companySize', ${trait(sql`to_jsonb((g * 37) % 2000)`)},
        'plan', ${trait(sql`to_jsonb(case when g % 5 = 0 then 'pro' else 'free' end)`)}
      ),
      case when g % 100 < 70 then 'lead' when g % 100 < 88 then 'mql' when g % 100 < 96 then 'sql' when g % 100 < 99 then 'opportunity' else 'customer' end,
      now(),
      now() - ((g % 120) || ' days')::interval,
      (g * 7919) % 150,
      now() - ((g % 120) || ' days')::interval,
      (g * 7919) % 150,
      (g * 13) % 60,
      (array['A','B','C','D'])[1 + g % 4]
    from generate_series(1, ${contacts}) as g
  `.execute(db);
  await sql`
    insert into events (message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context)
    select 'bench-' || c.id || '-' || k, c.id, 'page_viewed', null, 'anon-' || c.id, c.last_activity_at - (k || ' hours')::interval, c.last_activity_at,
           jsonb_build_object('path', (array['/pricing','/features','/blog/post'])[k]), '{}'::jsonb, '{}'::jsonb
    from contacts c cross join generate_series(1, 3) as k
  `.execute(db);
  await sql`
    insert into score_ledger (contact_id, event_id, rule_id, points, occurred_at, reason, model_version)
    select e.contact_id, e.id, 'page-viewed', 2, e.occurred_at, 'viewed ' || (e.properties ->> 'path'), 1 from events e
  `.execute(db);
  await sql`
    insert into stage_transitions (contact_id, from_stage, to_stage, reason, actor, occurred_at)
    select c.id, s.from_stage, s.to_stage, 'bench', 'scoring', c.last_activity_at - ((5 - s.n) || ' days')::interval
    from contacts c
    cross join lateral (values (1, 'subscriber', 'lead'), (2, 'lead', 'mql'), (3, 'mql', 'sql'), (4, 'sql', 'opportunity'), (5, 'opportunity', 'customer')) as s(n, from_stage, to_stage)
    where s.n <= array_position(array['lead','mql','sql','opportunity','customer'], c.stage)
  `.execute(db);
  await sql`
    insert into contact_subscriptions (contact_id, topic, status, source, confirmed_at, updated_at)
    select id, 'newsletter', 'subscribed', 'import', now(), now() from contacts where hashtext(id::text) % 3 <> 0
  `.execute(db);
  // Every SQL and opportunity is a hand-off in one of the reps' inboxes.
  await sql`
    insert into handoffs (contact_id, workflow_run_id, workflow_id, status, reason, source, owner, summary, sla_due_at, assigned_at, updated_at)
    select c.id, 'run-' || c.id, 'handoff:' || c.id, 'assigned', 'score over the MQL threshold', 'mql',
           'rep' || (hashtext(c.id::text) & 2147483647) % ${REPS} || '@example.com',
           jsonb_build_object('who', jsonb_build_object('email', c.email)), now() + interval '1 day', c.last_activity_at, now()
    from contacts c where c.stage in ('sql', 'opportunity')
  `.execute(db);
  await sql`analyze`.execute(db);
}

/** The first screen's scripts: the entry and every module index.html preloads (the other screens are lazy chunks). */
async function firstScreenGzipped(): Promise<{ bytes: number; scripts: number }> {
  const dist = path.join(ROOT, 'console', 'dist');
  const index = await readFile(path.join(dist, 'index.html'), 'utf8');
  const scripts = [...index.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]!);
  let bytes = 0;
  for (const script of scripts) bytes += gzipSync(await readFile(path.join(dist, script))).length;
  return { bytes, scripts: scripts.length };
}

export async function benchConsole(options: { contacts?: number; samples?: number } = {}): Promise<BenchFigure[]> {
  const contacts = options.contacts ?? countFromEnv('BENCH_CONSOLE_CONTACTS', 100_000);
  const samples = options.samples ?? countFromEnv('BENCH_CONSOLE_SAMPLES', 30);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await ensureConsoleBuilt(() => undefined);
  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_console_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const db = createDb(databaseUrl(postgres.adminUrl, name));
  const cliPath = await ensureTemporalCli({ projectRoot: ROOT, log: () => undefined });
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1' } });
  try {
    await migrateToLatest(db);
    const seedStarted = performance.now();
    await seed(db, contacts);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    for (let i = 0; i < 60; i++) {
      await createNewsletter(db, { name: `Issue ${i}`, template: 'newsletter-digest', topic: 'newsletter', audience: { stages: ['lead'] }, schedule: { kind: 'now' } });
    }
    const app = await buildApp({ engine: createEngine(engineConfig({ TEMPORAL_TASK_QUEUE: 'bench-console' }), { db, temporal: env.client }), logLevel: 'silent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const admin = (await createApiKey(db, { name: 'bench admin', role: 'admin' })).key;
    const sales = (await createApiKey(db, { name: 'bench rep', role: 'sales', owner: 'rep3@example.com' })).key;
    const someone = await db.selectFrom('contacts').select('id').where('stage', '=', 'mql').orderBy('id').offset(Math.floor(contacts / 10)).limit(1).executeTakeFirstOrThrow();
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();

    const screens: { id: string; name: string; method: 'GET' | 'POST'; path: string; body?: unknown; key: string }[] = [
      { id: 'dashboard-funnel', name: 'dashboard: funnel over 30 days', method: 'GET', path: `/v1/funnel?from=${from}&to=${to}`, key: admin },
      { id: 'contacts-stage-score', name: 'contacts: stage mql, score 40–120, page of 25', method: 'GET', path: '/v1/contacts?stage=mql&minScore=40&maxScore=120&limit=25', key: admin },
      { id: 'contacts-trait', name: 'contacts: trait country:DE, page of 25', method: 'GET', path: '/v1/contacts?trait=country:DE&limit=25', key: admin },
      { id: 'contacts-rare-trait', name: 'contacts: stage customer + trait plan:pro, page of 25', method: 'GET', path: '/v1/contacts?stage=customer&trait=plan:pro&limit=25', key: admin },
      { id: 'contact-profile', name: 'contact profile', method: 'GET', path: `/v1/contacts/${someone.id}`, key: admin },
      { id: 'contact-score', name: 'contact score explained', method: 'GET', path: `/v1/contacts/${someone.id}/score`, key: admin },
      { id: 'sales-inbox', name: 'sales inbox (one rep of 20)', method: 'GET', path: '/v1/sales/leads?status=assigned,escalated', key: sales },
      { id: 'journeys-list', name: 'journeys list', method: 'GET', path: '/v1/journeys', key: admin },
      { id: 'newsletters-list', name: 'newsletters list, page of 20', method: 'GET', path: '/v1/newsletters?limit=20', key: admin },
      { id: 'audience-size', name: 'audience size: leads, score ≥ 20, country FR, active in 60 days', method: 'POST', path: '/v1/newsletters/audience-size', key: admin, body: { topic: 'newsletter', audience: { stages: ['lead'], score: { min: 20 }, traits: [{ name: 'country', op: 'equals', value: 'FR' }], lastActivity: { withinDays: 60 } } } },
    ];

    const figures: BenchFigure[] = [];
    for (const screen of screens) {
      const call = async () => {
        const response = await fetch(`${base}${screen.path}`, {
          method: screen.method,
          headers: { authorization: `Bearer ${screen.key}`, ...(screen.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: screen.body === undefined ? undefined : JSON.stringify(screen.body),
        });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`${screen.method} ${screen.path}: ${response.status} ${text.slice(0, 300)}`);
        return text;
      };
      const sample = await call();
      for (let i = 0; i < 3; i++) await call();
      const timings: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        await call();
        timings.push(performance.now() - started);
      }
      const { p50, p95 } = percentiles(timings, [50, 95]);
      figures.push({
        id: `console.${screen.id}`,
        name: `console ${screen.name}, p95`,
        value: round(p95!),
        unit: 'ms',
        target: { op: '<', value: TARGET_MS },
        notes: `p50 ${round(p50!)} ms, p95 ${round(p95!)} ms over ${samples} sequential calls after 4 warm-up; answer ${sample.length} bytes`,
      });
    }
    await app.close();

    const bundle = await firstScreenGzipped();
    figures.push({
      id: 'console.first-screen-js',
      name: "console first screen's JavaScript, gzipped",
      value: round(bundle.bytes / 1024),
      unit: 'KB',
      target: { op: '<', value: 250 },
      notes: `${bundle.scripts} script(s) loaded by the login screen; every other screen is a lazy chunk`,
    });
    figures.push({ id: 'console.seed-seconds', name: `console bench seed: ${contacts.toLocaleString('en')} contacts with 3 events, ledger lines and stage history each`, value: round(seedSeconds), unit: 's' });
    return figures;
  } finally {
    await env.teardown();
    await db.destroy();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const consoleSuite: BenchSuite = {
  name: 'console',
  description: 'the API calls behind each console screen with 100,000 contacts (p50/p95, target 300 ms); first screen JavaScript gzipped (target 250 KB)',
  run: () => benchConsole(),
};
