// A newsletter broadcast end to end, as the worker runs it: the broadcast workflow on Temporal's dev
// server, the page activities over PostgreSQL (audience, recipients, outbox) and the pooled SMTP
// transport, to a draining smtp-server in a child process (so the figure measures the sender).
// Reports recipients/s from the send request to the last recipient counted, and the peak RSS of
// this process (worker + activities; Temporal and the sink run apart).
//
//   npx tsx bench/run.ts newsletter          BENCH_NEWSLETTER_RECIPIENTS=100000 for a large audience

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { migrateToLatest } from '../db/migrate.js';
import { createNewsletter, recipientCounts } from '../db/newsletter.repository.js';
import { createEngine } from '../engine/engine.js';
import { ensureTemporalCli } from '../scripts/temporal-tools.js';
import { engineConfig } from '../test/support/engine-config.js';
import { cohortAudience, insertSubscribers } from '../test/support/subscribers.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../test/support/postgres.js';
import { newsletterWorkflowId } from '../workflows/ids.js';
import type { newsletterWorkflow } from '../workflows/newsletter.workflow.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { type BenchFigure, type BenchSuite, countFromEnv, megabytes, round, startRssSampler } from './harness.js';
import { startSmtpSink } from './smtp-sink.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const POOL_SIZE = 5; // SMTP_POOL_SIZE's default

export async function benchNewsletter(options: { recipients?: number } = {}): Promise<BenchFigure[]> {
  const recipients = options.recipients ?? countFromEnv('BENCH_NEWSLETTER_RECIPIENTS', 10_000);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const [sink, cliPath] = await Promise.all([startSmtpSink('drain'), ensureTemporalCli({ projectRoot: ROOT, log: () => undefined })]);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cliPath }, ip: '127.0.0.1' } });
  const engine = createEngine(
    engineConfig({ DATABASE_URL: databaseUrl(postgres.adminUrl, name), SMTP_URL: sink.url, SMTP_POOL_SIZE: String(POOL_SIZE), SMTP_RATE_PER_SECOND: '100000', MAIL_FROM: 'Relance <news@relance.localhost>' }),
  );
  const { db } = engine;
  try {
    await migrateToLatest(db);
    await insertSubscribers(db, { cohort: 'bench', count: recipients });
    const newsletter = await createNewsletter(db, { name: 'bench', template: 'newsletter-digest', topic: 'newsletter', audience: cohortAudience('bench'), schedule: { kind: 'now' } });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-newsletter',
      workflowsPath: WORKFLOWS_PATH,
      activities: engine.activities,
    });
    const rssBefore = process.memoryUsage().rss;
    const rss = startRssSampler();
    const started = performance.now();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof newsletterWorkflow>('newsletterWorkflow', {
        taskQueue: 'bench-newsletter',
        workflowId: newsletterWorkflowId(newsletter.id),
        args: [{ newsletterId: newsletter.id, startAt: null }],
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const peak = rss.stop();
    const counts = await recipientCounts(db, newsletter.id);
    const received = (await sink.count()).messages;
    if (counts.sent !== recipients || result.counts.sent !== recipients || received !== recipients) {
      throw new Error(`expected ${recipients} sent and received, got table ${counts.sent}, workflow ${result.counts.sent}, sink ${received}`);
    }
    return [
      {
        id: 'newsletter.recipients-per-second',
        name: `newsletter broadcast, ${recipients.toLocaleString('en')} recipients`,
        value: round(recipients / seconds),
        unit: 'recipients/s',
        notes: `${round(seconds)} s from start to the last recipient counted; audience pages, one page activity per 200, consent-checked sendEmail per recipient, SMTP pool of ${POOL_SIZE} to a draining sink`,
      },
      {
        id: 'newsletter.worker-peak-rss',
        name: 'worker process peak RSS during the broadcast',
        value: megabytes(peak),
        unit: 'MB',
        notes: `${megabytes(rssBefore)} MB before the send (worker created, workflows bundled in-process): the broadcast itself added ${megabytes(Math.max(0, peak - rssBefore))} MB`,
      },
    ];
  } finally {
    await engine.close();
    await env.teardown();
    await sink.stop();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const newsletterSuite: BenchSuite = {
  name: 'newsletter',
  description: 'newsletter broadcast recipients/s through the workflow, PostgreSQL and pooled SMTP; worker peak RSS',
  run: () => benchNewsletter(),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await benchNewsletter()) console.log(figure);
}
