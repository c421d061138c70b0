// Journey fan-out on the dev server (the one `npm start` runs), beside a newsletter in the same run:
// the same worker, activities, PostgreSQL database and SMTP sink send one broadcast, then a crowd of
// contacts enters a journey together and goes through its first node (visit recorded, the same
// marketing e-mail rendered, consent-checked and sent over SMTP, visit completed). The crowd enters
// the way a calendar tick enters it: intents in the outbox, the dispatcher's sweeps, the router, which
// starts cohorts; then, for comparison, a smaller crowd is started one workflow per contact. Per phase it also
// says where the time went: CPU of this process (worker, activities, client), of the Temporal server
// and of the PostgreSQL backends per e-mail, database transactions per e-mail, and the history of
// one run (workflow tasks, activities, local activities). The sink counts every e-mail's id: each
// contact's copy must arrive exactly once.
//
//   npx tsx bench/run.ts journeys    # BENCH_JOURNEY_CROWD=3000, BENCH_JOURNEY_STARTS=400, BENCH_JOURNEY_NEWSLETTER_RECIPIENTS=2000
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createJourneyDraft, publishJourneyDraft } from '../db/journey.repository.js';
import { createNewsletter, recipientCounts } from '../db/newsletter.repository.js';
import { enqueueIntents } from '../db/outbox.repository.js';
import { createJourneyRouter } from '../orchestration/journey-router.js';
import { createOutboxDispatcher, createTemporalOrchestrator } from '../orchestration/orchestrator.js';
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
import { breakdown, describeBreakdown, snapshot } from './cpu.js';
import { startSmtpSink } from './smtp-sink.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASK_QUEUE = 'bench-journeys';
const POOL_SIZE = 5; // SMTP_POOL_SIZE's default, as in the newsletter bench
// The newsletter's own template, topic and category: both paths do the same work per e-mail.
const TEMPLATE = 'newsletter-digest';

const journeyOf = (id: string, entry: Record<string, unknown>) => {
  const result = validateJourneyDefinition({
    schemaVersion: 1,
    id,
    name: `Bench ${id}`,
    entry,
    start: 'digest',
    nodes: {
      digest: { type: 'send_email', template: TEMPLATE, category: 'marketing', topic: 'newsletter', next: 'later' },
      later: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' },
      done: { type: 'exit' },
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.definition;
};
/** Entered by its calendar: a weekly digest every customer gets. */
const crowdJourney = journeyOf('bench-crowd', { kind: 'schedule', cron: '0 9 * * 1', timezone: 'UTC', stages: ['customer'] });
/** The same nodes, started one workflow per contact. */
const definition = journeyOf('bench-digest', { kind: 'event', event: 'form_submitted' });

/** How many contacts of a journey have completed its first node. */
async function throughFirstNode(db: Db, journey: { id: string; start: string }): Promise<number> {
  const { count } = await db
    .selectFrom('journey_node_visits')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('journey_id', '=', journey.id)
    .where('node_id', '=', journey.start)
    .where('outcome', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(count);
}

async function waitFor(what: string, done: () => Promise<boolean>, since: number): Promise<void> {
  while (!(await done())) {
    if (performance.now() - since > 600_000) throw new Error(`${what}: not done in 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchJourneys(options: { crowd?: number; starts?: number; recipients?: number; inFlight?: number } = {}): Promise<BenchFigure[]> {
  const crowd = options.crowd ?? countFromEnv('BENCH_JOURNEY_CROWD', 3_000);
  const starts = options.starts ?? countFromEnv('BENCH_JOURNEY_STARTS', 400);
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
    await insertSubscribers(db, { cohort: 'crowd', count: crowd });
    const crowdContacts = await db.selectFrom('contacts').select('id').where(sql<string>`traits->'cohort'->>'value'`, '=', 'crowd').execute();
    await db.updateTable('contacts').set({ stage: 'customer' }).where('id', 'in', crowdContacts.map((row) => row.id)).execute();
    const at = new Date();
    await createJourneyDraft(db, { id: crowdJourney.id, name: crowdJourney.name, draft: crowdJourney }, at);
    const published = await publishJourneyDraft(db, crowdJourney.id, { definition: crowdJourney }, at);
    if (!published.ok) throw new Error(`bench journey not published: ${published.reason}`);
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

      // 2. A crowd enters the journey together, as a calendar tick enters it: one intent per contact in
      // the outbox, the dispatcher's sweeps (200 intents a claim), the router, which admits each claim's
      // contacts as one cohort workflow, and their sends in batches.
      const sweeper = createOutboxDispatcher(
        db,
        createTemporalOrchestrator(env.client, TASK_QUEUE, createJourneyRouter({ temporal: env.client, taskQueue: TASK_QUEUE, journeys: engine.journeys })),
        (error) => console.warn('bench: dispatch failed', error),
      );
      const crowdBefore = await snapshot(db);
      const tick = `journey-tick:${crowdJourney.id}-bench`;
      await db.transaction().execute((trx) => enqueueIntents(trx, crowdContacts.map(({ id }) => ({ kind: 'scheduled_entry' as const, journeyId: crowdJourney.id, contactId: id, tick }))));
      sweeper.startSweeper(50);
      try {
        await waitFor(`the crowd through ${crowdJourney.start}`, async () => (await throughFirstNode(db, crowdJourney)) >= crowd, crowdBefore.at);
      } finally {
        await sweeper.stop();
      }
      const crowdAfter = await snapshot(db);
      const crowdCost = breakdown(crowdBefore, crowdAfter, crowd);
      const cohorts = await db.selectFrom('journey_runs').select('cohort_id').distinct().where('journey_id', '=', crowdJourney.id).execute();

      // 3. For comparison: a smaller crowd started one workflow per contact.
      const journeyBefore = await snapshot(db);
      const accepted = await runConcurrent(starts, inFlight, (i) =>
        env.client.workflow.start<typeof journeyWorkflow>('journeyWorkflow', {
          taskQueue: TASK_QUEUE,
          workflowId: journeyWorkflowId(definition.id, contacts[i]!.id),
          args: [{ journeyId: definition.id, version: 1, definition, contactId: contacts[i]!.id }],
        }),
      );
      await waitFor(`journeys through ${definition.start}`, async () => (await throughFirstNode(db, definition)) >= starts, journeyBefore.at);
      const journeyAfter = await snapshot(db);
      const journeyCost = breakdown(journeyBefore, journeyAfter, starts);

      // Exactly once: every e-mail of both phases reached the sink, and none twice.
      const received = await sink.count();
      const total = recipients + crowd + starts;
      if (received.messages !== total || received.emailIds !== total || received.duplicates !== 0) {
        throw new Error(`expected ${total} e-mails once each at the sink, got ${received.messages} messages, ${received.emailIds} distinct ids, ${received.duplicates} duplicates`);
      }
      const { rows: sent } = await sql<{ count: number }>`select count(*)::int as count from email_messages where status = 'sent'`.execute(db);
      if (sent[0]?.count !== total) throw new Error(`expected ${total} e-mails marked sent, got ${sent[0]?.count}`);

      // What one run cost Temporal, from its history.
      const history = await env.client.workflow.getHandle(journeyWorkflowId(definition.id, contacts[0]!.id)).fetchHistory();
      const events = history.events ?? [];
      const ofType = (attributes: keyof (typeof events)[number]) => events.filter((event) => event[attributes] != null).length;
      const tasks = ofType('workflowTaskCompletedEventAttributes');
      const activities = ofType('activityTaskScheduledEventAttributes');
      const markers = ofType('markerRecordedEventAttributes');

      // What one cohort cost Temporal, from its history.
      const cohortHistory = (await env.client.workflow.getHandle(cohorts[0]!.cohort_id!).fetchHistory()).events ?? [];
      const cohortTasks = cohortHistory.filter((event) => event.workflowTaskCompletedEventAttributes != null).length;
      const cohortActivities = cohortHistory.filter((event) => event.activityTaskScheduledEventAttributes != null).length;

      const crowdRate = crowd / crowdCost.wallSeconds;
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
          name: `journey runs through a send node, ${crowd.toLocaleString('en')} entering together (calendar tick through the outbox and router, cohorts)`,
          value: round(crowdRate),
          unit: 'runs/s',
          baseline: { name: 'newsletter recipients/s above, same worker and sink', value: round(newsletterRate) },
          ratio: ratioOf(crowdRate, newsletterRate),
          target: { op: '>=', value: 500 },
          notes:
            `${round(crowdCost.wallSeconds)} s from the intents written to the last visit completed; ${cohorts.length} cohort workflows; ${describeBreakdown(crowdCost)}; ` +
            `one cohort's history to its delay: ${cohortHistory.length} events, ${cohortTasks} workflow tasks, ${cohortActivities} activities`,
        },
        {
          id: 'journeys.first-node-per-contact',
          name: `journey runs through a send node, ${starts.toLocaleString('en')} started one workflow per contact`,
          value: round(journeyRate),
          unit: 'runs/s',
          baseline: { name: 'cohort runs/s above', value: round(crowdRate) },
          ratio: ratioOf(journeyRate, crowdRate),
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
  description: 'journey runs through a send node (a crowd entering as cohorts through the router; a smaller one a workflow per contact) beside a newsletter in the same run (same worker, PostgreSQL, SMTP sink), with where the CPU goes',
  run: () => benchJourneys(),
};
