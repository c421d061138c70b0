import { createServer } from 'node:http';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { readOperationalState } from '../db/metrics.queries.js';
import { ConfigError, parseConfig, requireSetting, temporalConnectionOptions } from '../domain/config.js';
import { createEngine } from '../engine/engine.js';
import { METRICS_CONTENT_TYPE, observeDatabase, renderMetrics } from '../telemetry/metrics.js';
import { createRelanceWorker } from './worker.js';

// The standalone worker, for deployments where Temporal, PostgreSQL and SMTP are real servers.
// `npm start` runs the same worker in-process on embedded services.
try {
  const config = parseConfig(process.env);
  const hint = 'the standalone worker uses existing servers; `npm start` embeds them';
  requireSetting(config, 'DATABASE_URL', hint);
  requireSetting(config, 'SMTP_URL', hint);
  const engine = createEngine(config);
  const { db } = engine;
  // Built now, so a missing RELANCE_SECRET or PUBLIC_URL stops the worker before it connects anywhere.
  const activities = engine.activities;
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
    activities,
  });
  console.log(`worker: polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}; metrics on http://${config.HOST}:${config.METRICS_PORT}/metrics`);
  // The SDK's runtime turns SIGINT/SIGTERM into a graceful worker shutdown; run() resolves after it.
  await worker.run();
  metricsServer.close();
  await engine.close();
  await connection.close();
  console.log('worker: stopped');
} catch (error) {
  // One line that says what failed; the configuration error already names each variable to fix.
  const reason = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? error.message : `worker: could not start: ${reason.replace(/\s+/g, ' ').trim()}`);
  process.exit(1);
}
