import { createServer } from 'node:http';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { messagingFromConfig } from '../activities/email.activities.js';
import { createActivities } from '../activities/index.js';
import { createMailTransport } from '../activities/mail-transport.js';
import { createDb } from '../db/connection.js';
import { readOperationalState } from '../db/metrics.queries.js';
import { ConfigError, parseConfig, requireSetting, temporalConnectionOptions } from '../domain/config.js';
import { ScoringModelStore } from '../db/scoring.repository.js';
import { METRICS_CONTENT_TYPE, observeDatabase, renderMetrics } from '../telemetry/metrics.js';
import { TemplateRenderer } from '../templates/renderer.js';
import { createTemplateStore } from '../db/template.repository.js';
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
  // Before any connection: the runtime is created once, with the SDK's metrics on a loopback exporter.
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: config.TEMPORAL_SDK_METRICS_ADDRESS, countersTotalSuffix: true, useSecondsForDurations: true } } } });
  observeDatabase(() => readOperationalState(db));
  const metricsServer = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void renderMetrics(`http://${config.TEMPORAL_SDK_METRICS_ADDRESS}/metrics`).then((text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text));
  });
  await new Promise<void>((resolve, reject) => metricsServer.once('error', reject).listen(config.METRICS_PORT, config.HOST, resolve));
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
      // The version published at send time: templates stored through the API first, then the files.
      templates: new TemplateRenderer(undefined, createTemplateStore(db)),
      mailFrom: config.MAIL_FROM,
      models: new ScoringModelStore(db),
      messaging,
      webhookSecret: config.WEBHOOK_SECRET,
    }),
  });
  console.log(`worker: polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}; metrics on http://${config.HOST}:${config.METRICS_PORT}/metrics`);
  // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker shutdown; run() resolves after it.
  await worker.run();
  metricsServer.close();
  mailer.close();
  await db.destroy();
  await connection.close();
  console.log('worker: stopped');
} catch (error) {
  // One line that says what failed; the configuration error already names each variable to fix.
  const reason = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? error.message : `worker: could not start: ${reason.replace(/\s+/g, ' ').trim()}`);
  process.exit(1);
}
