// Journey starts: events of a type a published journey enters on, posted through /v1/batch, each
// routed by the outbox into a started journeyWorkflow (re-entry and per-contact checks, journey_runs
// and journey_entries rows), against plain workflow starts through the Temporal client. Temporal's
// dev server, the worker, the API and PostgreSQL all run on this machine, as `npm start` runs them.
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app.js';
import { createApiKey } from '../db/api-key.repository.js';
import { migrateToLatest } from '../db/migrate.js';
import { createEngine } from '../engine/engine.js';
import { startSmtpCatcher } from '../scripts/local/smtp-catcher.js';
import { ensureTemporalCli } from '../scripts/temporal-tools.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../test/support/postgres.js';
import { engineConfig } from '../test/support/engine-config.js';
import { createRelanceWorker } from '../worker/worker.js';
import type { JourneyWorkflowInput } from '../workflows/journey.contract.js';
import { type BenchFigure, type BenchSuite, ratioOf, round, runConcurrent } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const JOURNEY = {
  schemaVersion: 1,
  id: 'bench-welcome',
  name: 'Bench welcome',
  entry: { kind: 'event', event: 'bench_signed_up' },
  start: 'hold',
  nodes: { hold: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' }, done: { type: 'exit' } },
};

export async function benchJourneyStarts(options: { batches?: number; batchSize?: number } = {}): Promise<BenchFigure[]> {
  const batches = options.batches ?? 10;
  const batchSize = options.batchSize ?? 100;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [cliPath, postgres, smtp] = await Promise.all([ensureTemporalCli({ projectRoot: ROOT, log: () => undefined }), provideTestPostgres(ROOT, () => undefined), startSmtpCatcher()]);
  const name = `relance_bench_journeys_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1' } });
  const taskQueue = 'relance-bench';
  const engine = createEngine(
    engineConfig({ DATABASE_URL: databaseUrl(postgres.adminUrl, name), TEMPORAL_TASK_QUEUE: taskQueue, SMTP_URL: smtp.url, SMTP_POOL_SIZE: '2', SMTP_RATE_PER_SECOND: '100' }),
    { temporal: env.client, onDispatchError: () => undefined },
  );
  const { db } = engine;
  try {
    await migrateToLatest(db);
    const worker = await createRelanceWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: engine.activities,
    });
    const running = worker.run();
    const app = await buildApp({ engine, logLevel: 'silent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const [write, admin] = await Promise.all([createApiKey(db, { name: 'bench', role: 'write' }), createApiKey(db, { name: 'bench admin', role: 'admin' })]);
      const call = async (route: string, key: string, body: unknown) => {
        const response = await fetch(`${baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
        if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
      };
      await call('/v1/journeys', admin.key, { definition: JOURNEY });
      await call(`/v1/journeys/${JOURNEY.id}/publish`, admin.key, {});
      const batch = (run: string, b: number) => ({
        batch: Array.from({ length: batchSize }, (_, i) => ({ type: 'track', event: 'bench_signed_up', userId: `${run}-${b}-${i}`, messageId: `${run}-${b}-${i}` })),
      });
      // Warm-up: connections, caches, the workflow bundle's first tasks.
      await runConcurrent(2, 2, (b) => call('/v1/batch', write.key, batch('warm', b)));

      const routed = await runConcurrent(batches, 4, (b) => call('/v1/batch', write.key, batch('run', b)));
      const entries = Number((await adminQuery(databaseUrl(postgres.adminUrl, name), `select count(*) as n from journey_entries where cause like 'event:%'`)).rows[0].n) - 2 * batchSize;
      const pending = Number((await adminQuery(databaseUrl(postgres.adminUrl, name), `select count(*) as n from orchestration_outbox where dispatched_at is null`)).rows[0].n);
      const startsPerSecond = entries / (routed.totalMs / 1000);

      const definition = JOURNEY as unknown as JourneyWorkflowInput['definition'];
      const plain = await runConcurrent(batches * batchSize, 16, (i) =>
        env.client.workflow.start('journeyWorkflow', {
          taskQueue,
          workflowId: `bench-plain-${i}`,
          args: [{ journeyId: JOURNEY.id, version: 1, definition: { ...definition, exits: [], reEntry: { policy: 'after_exit' }, maxConcurrentRunsPerContact: 1 }, contactId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}` }],
        }),
      );
      return [
        {
          id: 'journey-routing.starts',
          name: `journey starts from events via /v1/batch (${batches}×${batchSize}, 4 concurrent)`,
          value: round(startsPerSecond),
          unit: 'starts/s',
          baseline: { name: 'plain client.workflow.start, 16 concurrent', value: round(plain.perSecond) },
          ratio: ratioOf(startsPerSecond, plain.perSecond),
          target: { op: '>=', value: 200, unit: 'starts/s' },
          notes: `${entries} runs started of ${batches * batchSize} events; ${pending} intents left pending`,
        },
      ];
    } finally {
      await app.close();
      worker.shutdown();
      await running;
    }
  } finally {
    await engine.close();
    await env.teardown();
    await dropDatabase(postgres.adminUrl, name);
    await smtp.stop();
  }
}

export const journeysSuite: BenchSuite = {
  name: 'journey-routing',
  description: 'journey starts/s from ingested events, through the outbox and the router, on the dev server',
  run: () => benchJourneyStarts(),
};
