import { NativeConnection } from '@temporalio/worker';
import { messagingFromConfig } from '../activities/email.activities.js';
import { createActivities } from '../activities/index.js';
import { createMailTransport } from '../activities/mail-transport.js';
import { createDb } from '../db/connection.js';
import { ConfigError, parseConfig, requireSetting, temporalConnectionOptions } from '../domain/config.js';
import { ScoringModelStore } from '../db/scoring.repository.js';
import { TemplateRenderer } from '../templates/renderer.js';
import { createRelanceWorker } from './worker.js';

// The standalone worker, for deployments where Temporal, PostgreSQL and SMTP are real servers.
// `npm start` runs the same worker in-process on embedded services.
try {
  const config = parseConfig(process.env);
  const hint = 'the standalone worker uses existing servers; `npm start` embeds them';
  const db = createDb(requireSetting(config, 'DATABASE_URL', hint), { poolMax: config.DATABASE_POOL_MAX });
  const messaging = messagingFromConfig(
    config,
    requireSetting(config, 'RELANCE_SECRET', 'it signs the unsubscribe and tracking links in e-mails'),
    requireSetting(config, 'PUBLIC_URL', 'the address of the API that answers the links in e-mails'),
  );
  const mailer = createMailTransport({
    smtpUrl: requireSetting(config, 'SMTP_URL', hint),
    poolSize: config.SMTP_POOL_SIZE,
    ratePerSecond: config.SMTP_RATE_PER_SECOND,
  });
  const connection = await NativeConnection.connect(
    temporalConnectionOptions(config, requireSetting(config, 'TEMPORAL_ADDRESS', hint)),
  );
  const worker = await createRelanceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(config.WORKFLOW_BUNDLE_PATH === undefined ? {} : { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } }),
    activities: createActivities({
      db,
      mailer,
      templates: new TemplateRenderer(),
      mailFrom: config.MAIL_FROM,
      models: new ScoringModelStore(db),
      messaging,
      webhookSecret: config.WEBHOOK_SECRET,
    }),
  });
  console.log(`worker: polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker shutdown; run() resolves after it.
  await worker.run();
  mailer.close();
  await db.destroy();
  await connection.close();
  console.log('worker: stopped');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
