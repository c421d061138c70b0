// Journey fan-out on the dev server (the one `npm start` runs), beside a newsletter in the same run:
// the same worker, activities, PostgreSQL database and SMTP sink send one broadcast, then a crowd of
// contacts enters a journey together and goes through its first node (visit recorded, the same
// marketing e-mail rendered, consent-checked and sent over SMTP, visit completed). Per phase it also
// says where the time went: CPU of this process (worker, activities, client), of the Temporal server
// and of the PostgreSQL backends per e-mail, database transactions per e-mail, and the history of
// one run (workflow tasks, activities, local activities). The sink counts every e-mail's id: each
// contact's copy must arrive exactly once.
//
//   npx tsx bench/run.ts journeys    # BENCH_JOURNEY_STARTS=1000, BENCH_JOURNEY_NEWSLETTER_RECIPIENTS=2000
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createNewsletter, recipientCounts } from '../db/newsletter.repository.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import { createEngine } from '../engine/engine.js';
import { ensureTemporalCli } from '../scripts/temporal-tools.js';
import { engineConfig } from '../test/support/engine-config.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../test/support/postgres.js';
import { cohortAudience, insertSubscribers } from '../test/support/subscribers.js';
import { journeyWorkflowId, newsletterWorkflowId } from '../workflows/ids.js';
import type { journeyWorkflow } from '../workflows/journey.workflow.js';
import type { newsletterWorkflow } from '../workflows/newsletter.workflow.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { type BenchFigure, type BenchSuite, countFromEnv, ratioOf, round, runConcurrent } from './harness.js';
import { startSmtpSink } from './smtp-sink.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASK_QUEUE = 'bench-journeys';
const POOL_SIZE = 5; // SMTP_POOL_SIZE's default, as in the newsletter bench
// The newsletter's own template, topic and category: both paths do the same work per e-mail.
const TEMPLATE = 'newsletter-digest';

const definition = (() => {
  const result = validateJourneyDefinition({
    schemaVersion: 1,
    id: 'bench-digest',
    name: 'Bench digest',
    entry: { kind: 'event', event: 'form_submitted' },
    start: 'digest',
    nodes: {
      digest: { type: 'send_email', template: TEMPLATE, category: 'marketing', topic: 'newsletter', next: 'later' },
      later: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' },
      done: { type: 'exit' },
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.definition;
})();

// ---------------------------------------------------------------------------------------------
// Where the CPU goes: this process, the Temporal server it spawned, the PostgreSQL backends of the
// bench's database (read from /proc: Linux only, 100 ticks per second).

const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function childPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.includes(name)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

interface CpuSnapshot {
  at: number;
  self: number;
  temporal: Map<number, number>;
  postgres: Map<number, number>;
  transactions: number;
}

async function snapshot(db: Db): Promise<CpuSnapshot> {
  const { rows: backends } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  const { rows: stats } = await sql<{ xact_commit: number }>`select xact_commit::int from pg_stat_database where datname = current_database()`.execute(db);
  const usage = process.cpuUsage();
  const read = (pids: number[]) => new Map(pids.flatMap((pid) => { const cpu = processCpuSeconds(pid); return cpu === undefined ? [] : [[pid, cpu] as const]; }));
  return {
    at: performance.now(),
    self: (usage.user + usage.system) / 1e6,
    temporal: read(childPids('temporal')),
    postgres: read(backends.map((row) => row.pid)),
    transactions: stats[0]?.xact_commit ?? 0,
  };
}

/** CPU ms per e-mail and transactions per e-mail between two snapshots; a backend born in between counts from zero. */
function breakdown(before: CpuSnapshot, after: CpuSnapshot, emails: number) {
  const spent = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [pid, cpu]) => sum + cpu - (a.get(pid) ?? 0), 0);
  const perEmail = (seconds: number) => round((seconds * 1000) / emails, 2);
  return {
    workerMs: perEmail(after.self - before.self),
    temporalMs: perEmail(spent(before.temporal, after.temporal)),
    postgresMs: perEmail(spent(before.postgres, after.postgres)),
    // Each statement outside a transaction commits on its own: these are round trips that commit.
    transactions: round((after.transactions - before.transactions) / emails, 2),
    wallSeconds: (after.at - before.at) / 1000,
  };
}

const describeBreakdown = (b: ReturnType<typeof breakdown>) =>
  `CPU per e-mail: worker process ${b.workerMs} ms, Temporal server ${b.temporalMs} ms, PostgreSQL ${b.postgresMs} ms; ${b.transactions} database transactions per e-mail`;

// ---------------------------------------------------------------------------------------------

async function waitFor(what: string, done: () => Promise<boolean>, since: number): Promise<void> {
  while (!(await done())) {
    if (performance.now() - since > 600_000) throw new Error(`${what}: not done in 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchJourneys(options: { starts?: number; recipients?: number; inFlight?: number } = {}): Promise<BenchFigure[]> {
  const starts = options.starts ?? countFromEnv('BENCH_JOURNEY_STARTS', 1_000);
  const recipients = options.recipients ?? countFromEnv('BENCH_JOURNEY_NEWSLETTER_RECIPIENTS', 2_000);
  const inFlight = options.inFlight ?? 64;
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const [cliPath, sink, bundle] = await Promise.all([
    ensureTemporalCli({ projectRoot: ROOT, log: () => undefined }),
    startSmtpSink('drain'),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
  ]);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1' } });
  const engine = createEngine(
    engineConfig({ DATABASE_URL: databaseUrl(postgres.adminUrl, name), DATABASE_POOL_MAX: '10', SMTP_URL: sink.url, SMTP_POOL_SIZE: String(POOL_SIZE), SMTP_RATE_PER_SECOND: '100000', MAIL_FROM: 'Relance <news@relance.localhost>' }),
  );
  const { db } = engine;
  try {
    await migrateToLatest(db);
    await insertSubscribers(db, { cohort: 'newsletter', count: recipients });
    await insertSubscribers(db, { cohort: 'journey', count: starts });
    const contacts = await db
      .selectFrom('contacts')
      .select('id')
      .where(sql<string>`traits->'cohort'->>'value'`, '=', 'journey')
      .execute();
    const newsletter = await createNewsletter(db, { name: 'bench', template: TEMPLATE, topic: 'newsletter', audience: cohortAudience('newsletter'), schedule: { kind: 'now' } });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: engine.activities,
    });
    const running = worker.run();
    try {
      // 1. The newsletter: one workflow, one activity per page of 200.
      const newsletterBefore = await snapshot(db);
      await env.client.workflow.execute<typeof newsletterWorkflow>('newsletterWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: newsletterWorkflowId(newsletter.id),
        args: [{ newsletterId: newsletter.id, startAt: null }],
      });
      const newsletterAfter = await snapshot(db);
      const newsletterCost = breakdown(newsletterBefore, newsletterAfter, recipients);
      const counts = await recipientCounts(db, newsletter.id);
      if (counts.sent !== recipients) throw new Error(`newsletter: ${counts.sent} of ${recipients} sent`);

      // 2. The journey: a crowd enters together, one run per contact.
      const journeyBefore = await snapshot(db);
      const accepted = await runConcurrent(starts, inFlight, (i) =>
        env.client.workflow.start<typeof journeyWorkflow>('journeyWorkflow', {
          taskQueue: TASK_QUEUE,
          workflowId: journeyWorkflowId(definition.id, contacts[i]!.id),
          args: [{ journeyId: definition.id, version: 1, definition, contactId: contacts[i]!.id }],
        }),
      );
      await waitFor(
        `journeys through ${definition.start}`,
        async () => {
          const { count } = await db
            .selectFrom('journey_node_visits')
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .where('node_id', '=', definition.start)
            .where('outcome', '=', 'completed')
            .executeTakeFirstOrThrow();
          return Number(count) >= starts;
        },
        journeyBefore.at,
      );
      const journeyAfter = await snapshot(db);
      const journeyCost = breakdown(journeyBefore, journeyAfter, starts);

      // Exactly once: every e-mail of both phases reached the sink, and none twice.
      const received = await sink.count();
      if (received.messages !== recipients + starts || received.emailIds !== recipients + starts || received.duplicates !== 0) {
        throw new Error(`expected ${recipients + starts} e-mails once each at the sink, got ${received.messages} messages, ${received.emailIds} distinct ids, ${received.duplicates} duplicates`);
      }
      const { rows: sent } = await sql<{ count: number }>`select count(*)::int as count from email_messages where status = 'sent'`.execute(db);
      if (sent[0]?.count !== recipients + starts) throw new Error(`expected ${recipients + starts} e-mails marked sent, got ${sent[0]?.count}`);

      // What one run cost Temporal, from its history.
      const history = await env.client.workflow.getHandle(journeyWorkflowId(definition.id, contacts[0]!.id)).fetchHistory();
      const events = history.events ?? [];
      const ofType = (attributes: keyof (typeof events)[number]) => events.filter((event) => event[attributes] != null).length;
      const tasks = ofType('workflowTaskCompletedEventAttributes');
      const activities = ofType('activityTaskScheduledEventAttributes');
      const markers = ofType('markerRecordedEventAttributes');

      const journeyRate = starts / journeyCost.wallSeconds;
      const newsletterRate = recipients / newsletterCost.wallSeconds;
      return [
        {
          id: 'journeys.newsletter-baseline',
          name: `newsletter broadcast in the same run, ${recipients.toLocaleString('en')} recipients`,
          value: round(newsletterRate),
          unit: 'recipients/s',
          notes: `${round(newsletterCost.wallSeconds)} s; ${describeBreakdown(newsletterCost)}`,
        },
        {
          id: 'journeys.first-node',
          name: `journey runs through a send node, ${starts.toLocaleString('en')} entering together`,
          value: round(journeyRate),
          unit: 'runs/s',
          baseline: { name: 'newsletter recipients/s above, same worker and sink', value: round(newsletterRate) },
          ratio: ratioOf(journeyRate, newsletterRate),
          target: { op: '>=', value: 500 },
          notes:
            `${round(journeyCost.wallSeconds)} s from the first start to the last visit completed, ${inFlight} starts in flight; ${describeBreakdown(journeyCost)}; ` +
            `one run's history to its delay: ${events.length} events, ${tasks} workflow tasks, ${activities} activities, ${markers} local activities; ` +
            `sink: ${received.emailIds} distinct e-mails, ${received.duplicates} duplicates`,
        },
        {
          id: 'journeys.starts',
          name: `journey runs started while they run (dev server, ${inFlight} in flight)`,
          value: round(accepted.perSecond),
          unit: 'starts/s',
          target: { op: '>=', value: 200 },
          notes: `${starts} runs in ${round(accepted.totalMs / 1000)} s`,
        },
      ];
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await engine.close();
    await env.teardown();
    await sink.stop();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const journeysSuite: BenchSuite = {
  name: 'journeys',
  description: 'journey runs through a send node beside a newsletter in the same run (same worker, PostgreSQL, SMTP sink), with where the CPU goes',
  run: () => benchJourneys(),
};
