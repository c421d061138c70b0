import { Client, Connection } from '@temporalio/client';
import { ConfigError, parseConfig, requireSetting, temporalConnectionOptions } from '../domain/config.js';
import { createMailTransport } from '../activities/mail-transport.js';
import { createEngine } from '../engine/engine.js';
import { buildApp } from './app.js';
import { testMailFromConfig } from './templates.service.js';
import { ensureStageReview } from '../orchestration/orchestrator.js';
import { startPartitionMaintenance } from '../db/event-partitions.js';
import type { DryRunner } from './dry-runs.service.js';

// The standalone API, for deployments where Temporal and PostgreSQL are real servers.
// `npm start` runs the same app in-process on embedded services.
// Loaded on the first dry run: it needs @temporalio/testing's time-skipping server, a development
// dependency a production install may leave out, and then only the dry run fails, with the reason.
const loadedDryRunner: DryRunner = async (...args) => (await import('../scripts/simulate.js')).dryRunner(...args);

try {
  const config = parseConfig(process.env);
  const hint = 'the standalone API uses existing servers; `npm start` embeds them';
  const linkSecret = requireSetting(config, 'RELANCE_SECRET', 'it verifies the unsubscribe and tracking links in e-mails');
  requireSetting(config, 'DATABASE_URL', hint);
  const connection = await Connection.connect(temporalConnectionOptions(config, requireSetting(config, 'TEMPORAL_ADDRESS', hint)));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  // Only template test sends use SMTP from the API (one connection, no pool to speak of); without SMTP_URL they answer 503.
  const testTransport = config.SMTP_URL === undefined ? undefined : createMailTransport({ smtpUrl: config.SMTP_URL, poolSize: 1, ratePerSecond: 5 });
  const engine = createEngine(config, { temporal, onDispatchError: (error) => console.warn('api: orchestration dispatch failed; the outbox sweeper retries', error) });
  const app = await buildApp({
    dryRunner: loadedDryRunner,
    engine,
    logLevel: config.LOG_LEVEL,
    links: { secret: linkSecret },
    doubleOptIn: config.DOUBLE_OPT_IN,
    ...(testTransport === undefined ? {} : { testMail: testMailFromConfig(config, testTransport) }),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  await ensureStageReview(temporal, config.TEMPORAL_TASK_QUEUE);
  // In the API, the process that writes events: its start-up makes their partitions (db/event-partitions.ts).
  const partitions = startPartitionMaintenance(engine.db, { retentionDays: config.EVENT_RETENTION_DAYS, messageIdRetentionDays: config.MESSAGE_ID_RETENTION_DAYS }, app.log);
  const stop = async () => {
    await partitions.stop();
    await app.close();
    await connection.close();
    testTransport?.close();
    await engine.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  // One line that says what failed; the configuration error already names each variable to fix.
  const reason = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? error.message : `api: could not start: ${reason.replace(/\s+/g, ' ').trim()}`);
  process.exit(1);
}
