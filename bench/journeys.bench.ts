// Journey starts on the dev server (the one `npm start` runs): how many journey runs per second the
// engine accepts, and how fast they get through their first node (visit recorded, e-mail rendered
// and sent over SMTP, visit completed) with the real worker, activities, PostgreSQL and SMTP catcher.
//
//   npx tsx bench/run.ts journeys          # BENCH_JOURNEY_STARTS=1000 by default
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { migrateToLatest } from '../db/migrate.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import { createEngine } from '../engine/engine.js';
import { startSmtpCatcher } from '../scripts/local/smtp-catcher.js';
import { ensureTemporalCli } from '../scripts/temporal-tools.js';
import { engineConfig } from '../test/support/engine-config.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../test/support/postgres.js';
import { journeyWorkflowId } from '../workflows/ids.js';
import type { journeyWorkflow } from '../workflows/journey.workflow.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { type BenchFigure, type BenchSuite, countFromEnv, round, runConcurrent } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const definition = (() => {
  const result = validateJourneyDefinition({
    schemaVersion: 1,
    id: 'bench-welcome',
    name: 'Bench welcome',
    entry: { kind: 'event', event: 'form_submitted' },
    start: 'welcome',
    nodes: {
      welcome: { type: 'send_email', template: 'welcome', next: 'later' },
      later: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' },
      done: { type: 'exit' },
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.definition;
})();

export async function benchJourneys(options: { starts?: number; inFlight?: number } = {}): Promise<BenchFigure[]> {
  const starts = options.starts ?? countFromEnv('BENCH_JOURNEY_STARTS', 1_000);
  const inFlight = options.inFlight ?? 64;
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const [cliPath, smtp, bundle] = await Promise.all([
    ensureTemporalCli({ projectRoot: ROOT, log: () => undefined }),
    startSmtpCatcher({ capacity: starts + 10 }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
  ]);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1' } });
  const engine = createEngine(
    engineConfig({ DATABASE_URL: databaseUrl(postgres.adminUrl, name), DATABASE_POOL_MAX: '10', SMTP_URL: smtp.url, SMTP_POOL_SIZE: '5', SMTP_RATE_PER_SECOND: '10000', MAIL_FROM: 'Relance <hello@relance.localhost>' }),
  );
  const { db } = engine;
  try {
    await migrateToLatest(db);
    const contacts = await db
      .insertInto('contacts')
      .values(
        Array.from({ length: starts }, (_, i) => ({
          email: `bench-${i}@example.com`,
          traits: JSON.stringify({ firstName: { value: `Bench ${i}`, source: 'form', updatedAt: '2026-01-01T00:00:00.000Z' } }),
          updated_at: new Date(),
        })),
      )
      .returning('id')
      .execute();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-journeys',
      workflowBundle: bundle,
      activities: engine.activities,
    });
    const running = worker.run();
    try {
      const startedAt = performance.now();
      const accepted = await runConcurrent(starts, inFlight, (i) =>
        env.client.workflow.start<typeof journeyWorkflow>('journeyWorkflow', {
          taskQueue: 'bench-journeys',
          workflowId: journeyWorkflowId(definition.id, contacts[i]!.id),
          args: [{ journeyId: definition.id, version: 1, definition, contactId: contacts[i]!.id }],
        }),
      );
      // Through the first node: its e-mail sent and its visit completed.
      for (;;) {
        const { count } = await db
          .selectFrom('journey_node_visits')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('node_id', '=', 'welcome')
          .where('outcome', '=', 'completed')
          .executeTakeFirstOrThrow();
        if (Number(count) >= starts) break;
        if (performance.now() - startedAt > 600_000) throw new Error(`only ${count} of ${starts} journeys passed their first node in 10 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const firstNodeSeconds = (performance.now() - startedAt) / 1000;
      return [
        {
          id: 'journeys.starts',
          name: `journey runs started (dev server, ${inFlight} in flight)`,
          value: round(accepted.perSecond),
          unit: 'starts/s',
          target: { op: '>=', value: 200 },
          notes: `${starts} runs in ${round(accepted.totalMs / 1000)} s`,
        },
        {
          id: 'journeys.first-node',
          name: 'journeys through their first node (visit, e-mail sent over SMTP, visit)',
          value: round(starts / firstNodeSeconds),
          unit: 'runs/s',
          notes: `${starts} runs in ${round(firstNodeSeconds)} s, one worker, default slots`,
        },
      ];
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await engine.close();
    await env.teardown();
    await smtp.stop();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const journeysSuite: BenchSuite = {
  name: 'journeys',
  description: 'journey runs started per second on the dev server, and through their first node with real activities',
  run: () => benchJourneys(),
};
