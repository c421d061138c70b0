import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createServer, type AddressInfo } from 'node:net';
import { createApiKey } from '../../db/api-key.repository.js';
import { buildApp, type ApiInstance } from '../../api/app.js';
import { createEngine } from '../../engine/engine.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { engineConfig } from '../support/engine-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { bundleWorkflows, createDevServerEnvironment } from './temporal.js';
import { dryRunner } from '../../scripts/simulate.js';

/** The site the engine's e-mails speak for (SITE_NAME, SITE_URL): the built-in templates' buttons link to it. */
export const ENGINE_SITE = { name: 'Relance Test Shop', url: 'https://shop.relance.test' };

export interface RunningEngine {
  baseUrl: string;
  app: ApiInstance;
  database: TestDatabase;
  smtp: SmtpCatcher;
  temporal: TestWorkflowEnvironment;
  keys: { write: string; admin: string; sales: string };
  /** Signs the links in this engine's e-mails, so a test can forge and tamper with tokens. */
  linkSecret: string;
  /** POST with the write key unless other headers say otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** GET with the admin key unless other headers say otherwise. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** DELETE with the admin key unless other headers say otherwise. */
  delete(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Stops the worker alone, as a crash or a deploy would: nothing answers workflow tasks or queries. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole engine as `npm start` wires it, on real parts: Temporal's dev server, a PostgreSQL
 * database of this test file's own, the SMTP catcher, the worker and the API listening on a real port.
 */
export interface EngineOptions {
  smtpPoolSize?: number;
  smtpRatePerSecond?: number;
  /** Send to this SMTP server instead of the in-process catcher (e.g. a catcher in a child process). */
  smtpUrl?: string;
  /** DOUBLE_OPT_IN: sign-ups stay pending until confirmed by e-mail. */
  doubleOptIn?: boolean;
  /** The Temporal SDK's Prometheus exporter, when the test installed a runtime with one. */
  temporalMetricsUrl?: string;
  /** SITE_NAME and SITE_URL; ENGINE_SITE unless a test serves a site of its own to follow links to. */
  site?: { name: string; url: string };
}

export async function startEngine(options: EngineOptions = {}): Promise<RunningEngine> {
  const [temporal, database, smtp, bundle] = await Promise.all([
    createDevServerEnvironment(),
    createTestDatabase(),
    startSmtpCatcher(),
    bundleWorkflows(),
  ]);
  const taskQueue = 'relance-e2e';
  // The links in e-mails point at the API, so its port is chosen before the worker is built.
  const port = await freePort();
  const linkSecret = 'e2e-link-secret-e2e-link-secret-e2e';
  const site = options.site ?? ENGINE_SITE;
  const config = engineConfig({
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: options.smtpUrl ?? smtp.url,
    SMTP_POOL_SIZE: String(options.smtpPoolSize ?? 2),
    SMTP_RATE_PER_SECOND: String(options.smtpRatePerSecond ?? 100),
    RELANCE_SECRET: linkSecret,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SITE_NAME: site.name,
    SITE_URL: site.url,
  });
  const engine = createEngine(config, { db: database.db, temporal: temporal.client, onDispatchError: () => undefined });
  const worker: Worker = await createRelanceWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: bundle,
    activities: engine.activities,
  });
  const running = worker.run();
  const app = await buildApp({
    dryRunner,
    engine,
    mailbox: { messages: () => smtp.messages() },
    logLevel: 'silent',
    links: { secret: linkSecret },
    doubleOptIn: options.doubleOptIn ?? false,
    testMail: { transport: engine.mailer, mailFrom: 'Relance <hello@relance.test>', site: options.site ?? ENGINE_SITE },
    ...(options.temporalMetricsUrl === undefined ? {} : { temporalMetricsUrl: options.temporalMetricsUrl }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  const [write, admin, sales] = await Promise.all([
    createApiKey(database.db, { name: 'e2e website', role: 'write' }),
    createApiKey(database.db, { name: 'e2e admin', role: 'admin' }),
    createApiKey(database.db, { name: 'e2e rep', role: 'sales', owner: 'rep@example.com' }),
  ]);
  const keys = { write: write.key, admin: admin.key, sales: sales.key };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test sees the raw text.
    }
    return { status: response.status, body: parsed as any };
  }

  return {
    baseUrl,
    app,
    database,
    smtp,
    temporal,
    keys,
    linkSecret,
    post: (path, body, headers = bearer(keys.write)) => request('POST', path, body, headers),
    get: (path, headers = bearer(keys.admin)) => request('GET', path, undefined, headers),
    patch: (path, body, headers = bearer(keys.admin)) => request('PATCH', path, body, headers),
    put: (path, body, headers = bearer(keys.admin)) => request('PUT', path, body, headers),
    delete: (path, headers = bearer(keys.admin)) => request('DELETE', path, undefined, headers),
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async stop() {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await engine.close();
      await Promise.all([temporal.teardown(), database.drop(), smtp.stop()]);
    },
  };
}

/** A loopback port nothing listens on right now, for a server that must know its port before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
