// Two API processes and two workers against one Temporal and one PostgreSQL, as a scaled deployment
// runs them; one API and one worker killed with SIGKILL mid-way. Afterwards: every acknowledged event
// stored once, every e-mail sent once, the outbox drained, and no intent routed twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../db/api-key.repository.js';
import { buildWorkflowBundle } from '../../scripts/build-workflows.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/local/temporal-dev-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/engine.js';
import { cohortAudience, insertSubscribers } from '../support/subscribers.js';
import { reportFigures } from './figures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIGNUPS = Number(process.env['FAULTS_MULTI_SIGNUPS'] ?? 600);
const RECIPIENTS = Number(process.env['FAULTS_MULTI_RECIPIENTS'] ?? 1_000);
const BATCH = 25;
const TASK_QUEUE = 'faults-multi';
const SECRET = 'faults-multi-secret-faults-multi-secret-0123456789';

// Two e-mails a second apart: a worker killed mid-way leaves some contacts between the two.
const JOURNEY = {
  schemaVersion: 1,
  id: 'multi-relay',
  name: 'Relay across instances',
  entry: { kind: 'event', event: 'form_submitted' },
  start: 'hello',
  nodes: {
    hello: { type: 'send_email', template: 'welcome', next: 'pause' },
    pause: { type: 'delay', wait: { kind: 'duration', duration: '1 second' }, next: 'guide' },
    guide: { type: 'send_email', template: 'nurture-guide-1', next: 'done' },
    done: { type: 'exit' },
  },
};

interface Instance {
  name: string;
  child: ChildProcess;
  output(): string;
}

describe('two APIs and two workers, one of each killed mid-way', () => {
  let dataDir: string;
  let temporal: TemporalDevServer;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let bundlePath: string;
  const instances: Instance[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-faults-multi-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    [temporal, database, smtp, bundlePath] = await Promise.all([
      startTemporalDevServer({ cliPath: inject('temporalCliPath'), dataDir, port, uiPort, namespace: 'default', log: () => undefined }),
      createTestDatabase(),
      startSmtpCatcher({ capacity: (SIGNUPS * 2 + RECIPIENTS) * 2 }),
      buildWorkflowBundle(path.join(dataDir, 'workflow-bundle.js')),
    ]);
  });
  afterAll(async () => {
    for (const instance of instances) instance.child.kill('SIGKILL');
    await temporal?.stop();
    await smtp?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const shared = () => ({
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    RELANCE_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    QUIET_HOURS: 'off',
    MARKETING_PER_WEEK: '100',
  });

  /** A standalone process (`npm run api` / `npm run worker`), resolved once `ready` says it serves. */
  async function launch(name: string, entry: string, env: Record<string, string>, ready: (output: string) => boolean | Promise<boolean>): Promise<Instance> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { cwd: ROOT, env: { ...shared(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (process.env['FAULTS_DEBUG']) process.stderr.write(`[${name}] ${chunk.toString()}`);
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const instance = { name, child, output: () => output };
    instances.push(instance);
    const deadline = Date.now() + 90_000;
    while (!(await ready(output))) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${output.slice(-2_000)}`);
      if (Date.now() > deadline) throw new Error(`${name} not ready in 90 s:\n${output.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return instance;
  }

  const healthy = (port: number) => async () =>
    fetch(`http://127.0.0.1:${port}/health`)
      .then((response) => response.status === 200)
      .catch(() => false);

  async function kill(instance: Instance): Promise<void> {
    const exited = new Promise((resolve) => instance.child.once('exit', resolve));
    instance.child.kill('SIGKILL');
    await exited;
  }

  it(`keeps ${SIGNUPS} sign-ups' journeys and a ${RECIPIENTS}-recipient newsletter exactly once through the kills`, async () => {
    const apiPorts = [await freePort(), await freePort()];
    const workers = await Promise.all(
      [0, 1].map(async (n) =>
        launch(
          `worker-${n}`,
          'worker/main.ts',
          {
            SMTP_URL: smtp.url,
            SMTP_RATE_PER_SECOND: '1000',
            WORKFLOW_BUNDLE_PATH: bundlePath,
            PUBLIC_URL: `http://127.0.0.1:${apiPorts[0]}`,
            METRICS_PORT: String(await freePort()),
            TEMPORAL_SDK_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
          },
          (output) => output.includes('worker: polling'),
        ),
      ),
    );
    const apis = await Promise.all(apiPorts.map((port, n) => launch(`api-${n}`, 'api/main.ts', { PORT: String(port) }, healthy(port))));
    const [writeKey, adminKey] = await Promise.all([
      createApiKey(database.db, { name: 'multi site', role: 'write' }).then((key) => key.key),
      createApiKey(database.db, { name: 'multi admin', role: 'admin' }).then((key) => key.key),
    ]);
    const call = async (port: number, method: string, url: string, key: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };

    // The journey, published through one API; the other learns of it from the shared database.
    expect((await call(apiPorts[0]!, 'POST', '/v1/journeys', adminKey, { definition: JOURNEY })).status).toBe(201);
    expect((await call(apiPorts[0]!, 'POST', `/v1/journeys/${JOURNEY.id}/publish`, adminKey, {})).status).toBe(200);
    await insertSubscribers(database.db, { cohort: 'multi', count: RECIPIENTS });
    const newsletter = await call(apiPorts[1]!, 'POST', '/v1/newsletters', adminKey, { name: 'Across instances', template: 'newsletter-digest', audience: cohortAudience('multi') });
    expect(newsletter.status).toBe(201);

    // Sign-ups in batches, round robin across the APIs, as a load balancer spreads them. A batch sent
    // to a dead API is sent again to the other, with the same messageIds, as a client retries.
    const batches = Array.from({ length: Math.ceil(SIGNUPS / BATCH) }, (_, b) =>
      Array.from({ length: Math.min(BATCH, SIGNUPS - b * BATCH) }, (_, i) => {
        const n = b * BATCH + i;
        return { type: 'track', event: 'form_submitted', anonymousId: `multi-${n}`, messageId: `multi-signup-${n}`, properties: { email: `signup-${n}@example.com`, firstName: `Sign ${n}` } };
      }),
    );
    const acknowledged = new Set<string>();
    let retriedElsewhere = 0;
    let killed = false;
    let deliveredAtKill = 0;
    let sendStarted = false;
    const alive = new Set([0, 1]);
    for (const [b, batch] of batches.entries()) {
      if (!sendStarted && b === Math.floor(batches.length / 4)) {
        sendStarted = true;
        expect((await call(apiPorts[0]!, 'POST', `/v1/newsletters/${newsletter.body.id}/send`, adminKey, {})).status).toBe(202);
      }
      if (!killed && b === Math.floor(batches.length / 2)) {
        // Mid-way: one API and one worker die at once, in the middle of their work, once e-mails go out
        // (a crowd of sign-ups runs as cohorts, whose first e-mails leave a moment after their entry).
        await smtp.waitFor(() => true, { count: 1, timeoutMs: 30_000 });
        killed = true;
        await Promise.all([kill(apis[1]!), kill(workers[0]!)]);
        deliveredAtKill = smtp.messages().length;
        alive.delete(1);
      }
      let target = b % 2;
      for (;;) {
        const answer = await call(apiPorts[target]!, 'POST', '/v1/batch', writeKey, { batch }).catch(() => undefined);
        if (answer?.status === 200) {
          for (const result of answer.body.results as { messageId: string }[]) acknowledged.add(result.messageId);
          break;
        }
        // Refused or unreachable: the other API takes it, as a load balancer's retry would.
        if (answer === undefined && !alive.has(target)) retriedElsewhere += 1;
        target = [...alive][0]!;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(acknowledged.size).toBe(SIGNUPS);

    // Everything drains on the surviving worker and API: two e-mails per sign-up, one per recipient.
    const expected = SIGNUPS * 2 + RECIPIENTS;
    await smtp.waitFor(() => true, { count: expected, timeoutMs: 300_000 });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const view = await call(apiPorts[0]!, 'GET', `/v1/newsletters/${newsletter.body.id}`, adminKey);
      const { count: running } = await database.db.selectFrom('journey_runs').where('status', '=', 'running').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
      const { count: pending } = await database.db.selectFrom('orchestration_outbox').where('dispatched_at', 'is', null).select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
      if (view.body.status === 'completed' && running === 0 && pending === 0) break;
      expect(Date.now(), `newsletter ${view.body.status}, ${running} runs running, ${pending} intents pending`).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A moment for anything sent twice to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const stored = await database.db.selectFrom('events').where('message_id', 'like', 'multi-signup-%').select(['message_id']).execute();
    const storedIds = new Set(stored.map((row) => row.message_id));
    const lostAcknowledged = [...acknowledged].filter((id) => !storedIds.has(id)).length;
    const messages = smtp.messages();
    const perRecipient = new Map<string, number>();
    for (const message of messages) for (const to of message.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    const signupDuplicates = [...Array(SIGNUPS).keys()].reduce((sum, n) => sum + Math.max(0, (perRecipient.get(`signup-${n}@example.com`) ?? 0) - 2), 0);
    const signupMissing = [...Array(SIGNUPS).keys()].reduce((sum, n) => sum + Math.max(0, 2 - (perRecipient.get(`signup-${n}@example.com`) ?? 0)), 0);
    const newsletterCopies = [...perRecipient].filter(([to]) => to.startsWith('multi-'));
    const newsletterDuplicates = newsletterCopies.reduce((sum, [, count]) => sum + count - 1, 0);
    const entries = await sql<{ contact_id: string; n: number }>`
      select contact_id, count(*)::int as n from journey_entries where journey_id = ${JOURNEY.id} group by contact_id`.execute(database.db);
    const routedTwice = entries.rows.filter((row) => row.n > 1).length;
    const { count: pendingIntents } = await database.db.selectFrom('orchestration_outbox').where('dispatched_at', 'is', null).select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();

    reportFigures('two APIs + two workers, one of each killed', {
      'sign-ups acknowledged': acknowledged.size,
      'e-mails delivered at the kill': deliveredAtKill,
      'batches resent to the other API': retriedElsewhere,
      'acknowledged but lost': lostAcknowledged,
      'events stored': stored.length,
      'journey e-mails': SIGNUPS * 2 - signupMissing,
      'journey duplicates': signupDuplicates,
      'journey missing': signupMissing,
      'newsletter copies': newsletterCopies.length,
      'newsletter duplicates': newsletterDuplicates,
      'contacts entered twice': routedTwice,
      'intents left pending': pendingIntents,
    });
    expect(killed).toBe(true);
    // The kills landed while e-mails were still going out, or the test proved nothing.
    expect(deliveredAtKill).toBeGreaterThan(0);
    expect(deliveredAtKill).toBeLessThan(SIGNUPS * 2 + RECIPIENTS);
    expect(lostAcknowledged).toBe(0);
    expect(stored).toHaveLength(SIGNUPS);
    expect(signupMissing).toBe(0);
    expect(signupDuplicates).toBe(0);
    expect(newsletterCopies).toHaveLength(RECIPIENTS);
    expect(newsletterDuplicates).toBe(0);
    expect(entries.rows).toHaveLength(SIGNUPS);
    expect(routedTwice).toBe(0);
    expect(pendingIntents).toBe(0);
    expect(new Set(messages.map((message) => message.messageId)).size).toBe(messages.length);
  });
});
