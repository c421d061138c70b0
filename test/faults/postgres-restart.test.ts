// PostgreSQL restarted while events pour in: every acknowledged event is stored, every other request
// got an answer the client can retry (503), and retrying those stores each event exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiInstance } from '../../api/app.js';
import { createApiKey } from '../../db/api-key.repository.js';
import { createDb, type Db } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createEngine } from '../../engine/engine.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../scripts/local/embedded-postgres.js';
import { createDevServerEnvironment } from '../helpers/temporal.js';
import { reportFigures } from './figures.js';
import { freePort } from '../helpers/engine.js';
import { engineConfig } from '../support/engine-config.js';

const EVENTS = Number(process.env['FAULTS_RESTART_EVENTS'] ?? 3_000);
const LANES = 6;


type Outcome = { kind: 'acknowledged' } | { kind: 'retryable'; status: number } | { kind: 'other'; detail: string };

describe('PostgreSQL restarted during ingestion', () => {
  let dataDir: string;
  let port: number;
  let postgres: EmbeddedDatabase;
  let db: Db;
  let temporal: TestWorkflowEnvironment;
  let app: ApiInstance;
  let baseUrl: string;
  let writeKey: string;

  const log = () => undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-faults-pg-'));
    // mkdtemp makes it private: on a root shell the cluster then lives outside it (see embedded-postgres.ts).
    port = await freePort();
    [postgres, temporal] = await Promise.all([startEmbeddedPostgres({ dataDir, port, log }), createDevServerEnvironment()]);
    db = createDb(postgres.url);
    await migrateToLatest(db);
    writeKey = (await createApiKey(db, { name: 'restart test', role: 'write' })).key;
    app = await buildApp({ engine: createEngine(engineConfig({ TEMPORAL_TASK_QUEUE: 'faults-pg' }), { db, temporal: temporal.client, onDispatchError: () => undefined }), logLevel: 'silent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await postgres?.stop();
    await temporal?.teardown();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (postgres !== undefined && !postgres.databaseDir.startsWith(dataDir)) await rm(path.dirname(postgres.databaseDir), { recursive: true, force: true });
  });

  async function send(messageId: string): Promise<Outcome> {
    try {
      const response = await fetch(`${baseUrl}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify({ type: 'track', event: 'page_viewed', userId: `visitor-${Number(messageId.split('-')[1]) % 300}`, messageId, properties: { path: '/pricing' } }),
      });
      const text = await response.text();
      if (response.status === 200) return { kind: 'acknowledged' };
      if (response.status === 503 && response.headers.get('retry-after') !== null) return { kind: 'retryable', status: response.status };
      return { kind: 'other', detail: `HTTP ${response.status} ${text.slice(0, 200)}` };
    } catch (error) {
      return { kind: 'other', detail: String(error) };
    }
  }

  it(`keeps every acknowledged event of ${EVENTS} through a restart and answers the rest with a retryable 503`, async () => {
    const outcomes = new Map<string, Outcome>();
    let next = 0;
    let restarted = false;
    let restartDone: Promise<void> = Promise.resolve();
    async function lane(): Promise<void> {
      while (next < EVENTS) {
        const messageId = `evt-${next++}`;
        // A third of the way in, PostgreSQL goes down (fast shutdown: connections cut mid-query) and comes back.
        if (!restarted && next > EVENTS / 3) {
          restarted = true;
          restartDone = (async () => {
            await postgres.stop();
            postgres = await startEmbeddedPostgres({ dataDir, port, log });
          })();
        }
        outcomes.set(messageId, await send(messageId));
      }
    }
    await Promise.all(Array.from({ length: LANES }, lane));
    await restartDone;

    const acknowledged = [...outcomes].filter(([, outcome]) => outcome.kind === 'acknowledged').map(([id]) => id);
    const retryable = [...outcomes].filter(([, outcome]) => outcome.kind === 'retryable').map(([id]) => id);
    const other = [...outcomes].filter(([, outcome]) => outcome.kind === 'other');

    const storedBeforeRetry = new Set((await db.selectFrom('events').select('message_id').execute()).map((row) => row.message_id));
    const lostAcknowledged = acknowledged.filter((id) => !storedBeforeRetry.has(id));

    // The client does what the 503 asks: the same requests again.
    const retryOutcomes = await Promise.all(retryable.map((id) => send(id)));
    const stored = await db.selectFrom('events').select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('message_id').distinct().as('distinct')]).executeTakeFirstOrThrow();

    reportFigures('postgres restart', {
      'events sent': EVENTS,
      acknowledged: acknowledged.length,
      'answered 503 (retryable)': retryable.length,
      'other answers': other.length,
      'acknowledged but lost': lostAcknowledged.length,
      'stored after retries': Number(stored.rows),
      duplicates: Number(stored.rows) - Number(stored.distinct),
    });
    expect(other.map(([id, outcome]) => `${id}: ${outcome.kind === 'other' ? outcome.detail : ''}`).slice(0, 5)).toEqual([]);
    // The restart must have hit requests in flight, or this proved nothing.
    expect(retryable.length).toBeGreaterThan(0);
    expect(lostAcknowledged).toEqual([]);
    expect(retryOutcomes.every((outcome) => outcome.kind === 'acknowledged')).toBe(true);
    expect(Number(stored.rows)).toBe(EVENTS);
    expect(Number(stored.distinct)).toBe(EVENTS);
  });
});
