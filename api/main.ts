import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/connection.js';
import { ConfigError, parseConfig, requireSetting, temporalConnectionOptions } from '../domain/config.js';
import { buildApp } from './app.js';
import { ensureStageReview } from '../orchestration/orchestrator.js';
import { startPartitionMaintenance } from '../db/event-partitions.js';

// The standalone API, for deployments where Temporal and PostgreSQL are real servers.
// `npm start` runs the same app in-process on embedded services.
try {
  const config = parseConfig(process.env);
  const hint = 'the standalone API uses existing servers; `npm start` embeds them';
  const linkSecret = requireSetting(config, 'RELANCE_SECRET', 'it verifies the unsubscribe and tracking links in e-mails');
  const db = createDb(requireSetting(config, 'DATABASE_URL', hint), { poolMax: config.DATABASE_POOL_MAX });
  const connection = await Connection.connect(temporalConnectionOptions(config, requireSetting(config, 'TEMPORAL_ADDRESS', hint)));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logLevel: config.LOG_LEVEL,
    links: { secret: linkSecret },
    doubleOptIn: config.DOUBLE_OPT_IN,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  await ensureStageReview(temporal, config.TEMPORAL_TASK_QUEUE);
  // In the API, the process that writes events: its start-up makes their partitions (db/event-partitions.ts).
  const partitions = startPartitionMaintenance(db, { retentionDays: config.EVENT_RETENTION_DAYS, messageIdRetentionDays: config.MESSAGE_ID_RETENTION_DAYS }, app.log);
  const stop = async () => {
    await partitions.stop();
    await app.close();
    await connection.close();
    await db.destroy();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  // One line that says what failed; the configuration error already names each variable to fix.
  const reason = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? error.message : `api: could not start: ${reason.replace(/\s+/g, ' ').trim()}`);
  process.exit(1);
}
