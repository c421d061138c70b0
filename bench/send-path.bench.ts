// The send path alone, without Temporal: the `sendEmails` activity a cohort runs, called the way a
// cohort calls it (batches of 200, two in flight) inside MockActivityEnvironment, over the machine's
// PostgreSQL and the pooled transport to a draining SMTP sink in a child process. Each e-mail is read
// (consent, suppression, budget, outbox row), rendered, signed, composed, claimed at its SMTP commit
// point and its answer written. What is left of a cohort member's cost once this is taken away is
// the workflow's; this figure is what the send path caps a cohort and a newsletter at on one worker.
//
//   npx tsx bench/run.ts send-path    # BENCH_SEND_PATH_EMAILS=3000
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import type { BatchSendOutcome, SendEmailInput } from '../activities/email.activities.js';
import { migrateToLatest } from '../db/migrate.js';
import { createEngine } from '../engine/engine.js';
import { engineConfig } from '../test/support/engine-config.js';
import { adminQuery, databaseUrl, dropDatabase, provideTestPostgres } from '../test/support/postgres.js';
import { insertSubscribers } from '../test/support/subscribers.js';
import { breakdown, describeBreakdown, snapshot } from './cpu.js';
import { type BenchFigure, type BenchSuite, countFromEnv, round } from './harness.js';
import { startSmtpSink } from './smtp-sink.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** As the cohort workflow sends them: EMAILS_PER_BATCH and EMAIL_BATCHES_IN_FLIGHT. */
const BATCH = 200;
const IN_FLIGHT = 2;
const TEMPLATE = 'newsletter-digest';

export async function benchSendPath(emailCount = countFromEnv('BENCH_SEND_PATH_EMAILS', 3_000)): Promise<BenchFigure[]> {
  const postgres = await provideTestPostgres(ROOT, () => undefined);
  const name = `relance_bench_${Date.now().toString(36)}`;
  await adminQuery(postgres.adminUrl, `create database ${name}`);
  const sink = await startSmtpSink('drain');
  const engine = createEngine(
    engineConfig({ DATABASE_URL: databaseUrl(postgres.adminUrl, name), DATABASE_POOL_MAX: '10', SMTP_URL: sink.url, SMTP_POOL_SIZE: '5', SMTP_RATE_PER_SECOND: '100000', MAIL_FROM: 'Relance <news@relance.localhost>' }),
  );
  const { db } = engine;
  try {
    await migrateToLatest(db);
    await insertSubscribers(db, { cohort: 'send-path', count: emailCount });
    const contacts = await db.selectFrom('contacts').select('id').execute();
    const inputs: SendEmailInput[] = contacts.map(({ id }) => ({ cause: `bench-send-path/${id}`, contactId: id, template: TEMPLATE, category: 'marketing', topic: 'newsletter', data: {} }));
    const batches: SendEmailInput[][] = [];
    for (let start = 0; start < inputs.length; start += BATCH) batches.push(inputs.slice(start, start + BATCH));
    // The first batch compiles the template and opens the SMTP pool: warm, then measure the rest.
    const warm = batches.shift() ?? [];
    await new MockActivityEnvironment().run(engine.activities.sendEmails, warm);

    const before = await snapshot(db);
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < batches.length; index = next++) {
        const outcomes = (await new MockActivityEnvironment().run(engine.activities.sendEmails, batches[index] as SendEmailInput[])) as BatchSendOutcome[];
        const notSent = outcomes.filter((outcome) => outcome.status !== 'sent');
        if (notSent.length > 0) throw new Error(`send path: ${notSent.length} e-mails not sent, first: ${JSON.stringify(notSent[0])}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const after = await snapshot(db);
    const measured = emailCount - warm.length;
    const cost = breakdown(before, after, measured);

    const received = await sink.count();
    if (received.emailIds !== emailCount || received.duplicates !== 0) throw new Error(`expected ${emailCount} e-mails once each at the sink, got ${received.emailIds} distinct, ${received.duplicates} duplicates`);
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from email_messages where status = 'sent' and smtp_response is not null`.execute(db);
    if (rows[0]?.count !== emailCount) throw new Error(`expected ${emailCount} e-mails marked sent with their answer, got ${rows[0]?.count}`);
    return [
      {
        id: 'send-path.batches',
        name: `send path alone: sendEmails batches of ${BATCH}, ${IN_FLIGHT} in flight, no Temporal (${measured.toLocaleString('en')} e-mails)`,
        value: round(measured / cost.wallSeconds),
        unit: 'e-mails/s',
        notes: `${round(cost.wallSeconds)} s after one warm batch; ${describeBreakdown(cost)}`,
      },
    ];
  } finally {
    await engine.close();
    await sink.stop();
    await dropDatabase(postgres.adminUrl, name);
    await postgres.stop?.();
  }
}

export const sendPathSuite: BenchSuite = {
  name: 'send-path',
  description: 'the send path alone: the sendEmails activity a cohort runs, without Temporal, with where the CPU goes per e-mail',
  run: () => benchSendPath(),
};
