// The real engine parts a journey test drives: the time-skipping Temporal server, one worker with
// the real activities over a fresh database, and the SMTP catcher every e-mail crosses.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Workflow, type WorkflowResultType } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { setSubscriptions } from '../../db/consent.repository.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { listJourneyRuns, listJourneyVisits } from '../../db/journey-run.repository.js';
import type { JourneyDefinition, JourneyDefinitionInput } from '../../domain/journeys/definition.js';
import { validateJourneyDefinition } from '../../domain/journeys/graph.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { journeyWorkflowId } from '../../workflows/ids.js';
import {
  journeyEventSignal,
  journeyStateQuery,
  type JourneyEventPayload,
  type JourneyState,
} from '../../workflows/journey.contract.js';
import type { journeyWorkflow } from '../../workflows/journey.workflow.js';
import { createEngine } from '../../engine/engine.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';

/** The topics the built-in journeys' e-mails are sent under. */
export const JOURNEY_TOPICS = ['product_news', 'cart_reminders', 'promotions', 'reviews'] as const;

export const WEBHOOK_SECRET = 'journey-test-webhook-secret-journey-test';

export interface JourneyHarness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  smtp: SmtpCatcher;
  /** A known contact with an address, created the way the API would (an identify event). */
  /** A known contact, subscribed to the built-in journeys' topics unless `subscribedTo` says otherwise. */
  contact(userId: string, traits: Record<string, unknown>, options?: { subscribedTo?: readonly string[] }): Promise<string>;
  /** Stores a tracked event at the server's current (skipped) time and returns what a router would signal. */
  track(userId: string, event: string, properties?: Record<string, unknown>): Promise<JourneyEventPayload>;
  start(
    definition: JourneyDefinition,
    contactId: string,
    options?: { entryKey?: string; entryEvent?: JourneyEventPayload; version?: number; maxNodesPerExecution?: number },
  ): Promise<WorkflowHandle<typeof journeyWorkflow>>;
  signal(handle: WorkflowHandle, event: JourneyEventPayload): Promise<void>;
  state(handle: WorkflowHandle): Promise<JourneyState>;
  /**
   * The run's result once it has closed. Never `handle.result()`: awaiting it lets the time-skipping
   * server fire every journey's timers at once; tests move time with `env.sleep` only.
   */
  result<W extends Workflow = typeof journeyWorkflow>(handle: WorkflowHandle<W>): Promise<WorkflowResultType<W>>;
  /** Polls the journey's state until `predicate` holds (the worker runs in real time between skips). */
  until(handle: WorkflowHandle, predicate: (state: JourneyState) => boolean, what: string): Promise<JourneyState>;
  visits(workflowId: string): Promise<{ node: string; outcome: string }[]>;
  run(workflowId: string): Promise<Awaited<ReturnType<typeof listJourneyRuns>>[number]>;
  mailsTo(address: string): { subject: string; text: string }[];
  stop(): Promise<void>;
}

export function journey(input: JourneyDefinitionInput): JourneyDefinition {
  const result = validateJourneyDefinition(input);
  if (!result.ok) throw new Error(`invalid test journey: ${JSON.stringify(result.issues)}`);
  return result.definition;
}

export async function startJourneyHarness(taskQueue: string): Promise<JourneyHarness> {
  const [env, database, smtp, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    createTestDatabase(),
    startSmtpCatcher(),
    bundleWorkflows(),
  ]);
  const engine = createEngine(engineConfig({ SMTP_URL: smtp.url, SMTP_POOL_SIZE: '2', SMTP_RATE_PER_SECOND: '200', WEBHOOK_SECRET }), { db: database.db });
  const { models } = engine;
  const worker: Worker = await createRelanceWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: bundle,
    activities: engine.activities,
  });
  const running = worker.run();
  let messages = 0;

  const now = async () => new Date(await env.currentTimeMs());

  async function store(event: Record<string, unknown>): Promise<{ contactId: string; messageId: string }> {
    const at = await now();
    const normalized = normalizeEvent(InboundEvent.parse({ ...event, timestamp: at.toISOString() }), at);
    const { outcomes } = await storeEvents(database.db, [normalized], await models.active(), at);
    return { contactId: outcomes[0]!.contactId, messageId: normalized.messageId };
  }

  const harness: JourneyHarness = {
    env,
    database,
    smtp,
    async contact(userId, traits, options = {}) {
      messages += 1;
      const contactId = (await store({ type: 'identify', userId, messageId: `${taskQueue}-${messages}`, traits })).contactId;
      // As a site does when the visitor ticks the boxes: marketing mail needs a confirmed topic.
      const topics = options.subscribedTo ?? JOURNEY_TOPICS;
      if (topics.length > 0) await setSubscriptions(database.db, contactId, topics.map((topic) => ({ topic, status: 'subscribed' as const })), 'test', new Date());
      return contactId;
    },
    async track(userId, event, properties = {}) {
      messages += 1;
      const { messageId } = await store({ type: 'track', event, userId, messageId: `${taskQueue}-${messages}`, properties });
      const row = await database.db
        .selectFrom('events')
        .select(['id', 'type', 'occurred_at', 'properties'])
        .where('message_id', '=', messageId)
        .executeTakeFirstOrThrow();
      return { eventId: String(row.id), type: row.type, occurredAt: row.occurred_at.toISOString(), properties: row.properties };
    },
    async start(definition, contactId, options = {}) {
      return env.client.workflow.start<typeof journeyWorkflow>('journeyWorkflow', {
        taskQueue,
        workflowId: journeyWorkflowId(definition.id, contactId, options.entryKey),
        args: [
          {
            journeyId: definition.id,
            version: options.version ?? 1,
            definition,
            contactId,
            ...(options.entryKey === undefined ? {} : { entryKey: options.entryKey }),
            ...(options.maxNodesPerExecution === undefined ? {} : { maxNodesPerExecution: options.maxNodesPerExecution }),
            ...(options.entryEvent === undefined
              ? {}
              : { entryEvent: { eventId: options.entryEvent.eventId, type: options.entryEvent.type, properties: options.entryEvent.properties } }),
          },
        ],
      });
    },
    async signal(handle, event) {
      await handle.signal(journeyEventSignal, event);
    },
    state: (handle) => handle.query(journeyStateQuery),
    async result(handle) {
      const deadline = Date.now() + 20_000;
      while ((await handle.describe()).status.name === 'RUNNING') {
        if (Date.now() > deadline) throw new Error(`journey ${handle.workflowId} still running; state ${JSON.stringify(await handle.query(journeyStateQuery))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // Read off the history: even a closed run's handle.result() unlocks time skipping for a moment,
      // long enough for the server to fire every other journey's next timer.
      const events = (await handle.fetchHistory()).events ?? [];
      const completed = events.findLast((event) => event.workflowExecutionCompletedEventAttributes)?.workflowExecutionCompletedEventAttributes;
      const payload = completed?.result?.payloads?.[0];
      if (payload === undefined || payload === null) throw new Error(`journey ${handle.workflowId} did not complete: ${JSON.stringify(events.at(-1))}`);
      return defaultPayloadConverter.fromPayload(payload) as never;
    },
    async until(handle, predicate, what) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        // The time-skipping server can leave a query unanswered for good when it lands while a workflow
        // task is outstanding (right after continue-as-new): ask only once the latest run is settled.
        const last = ((await handle.fetchHistory()).events ?? []).at(-1);
        const settled = last !== undefined && last.workflowTaskScheduledEventAttributes == null && last.workflowTaskStartedEventAttributes == null;
        const state = settled ? await handle.query(journeyStateQuery) : undefined;
        if (state !== undefined && predicate(state)) return state;
        if (Date.now() > deadline) {
          const events = (await handle.fetchHistory()).events ?? [];
          const failure = events.findLast((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message;
          throw new Error(`journey ${handle.workflowId}: ${what} not reached; state ${JSON.stringify(state)}${failure ? `; workflow task failed: ${failure}` : ''}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async visits(workflowId) {
      return (await listJourneyVisits(database.db, workflowId)).map((row) => ({ node: row.node_id, outcome: row.outcome }));
    },
    async run(workflowId) {
      const runs = await listJourneyRuns(database.db, { workflowId });
      return runs.at(-1)!;
    },
    mailsTo(address) {
      return smtp
        .messages()
        .filter((message) => message.to.includes(address))
        .map((message) => ({ subject: message.subject, text: message.text }));
    },
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await engine.close();
      await Promise.all([env.teardown(), database.drop(), smtp.stop()]);
    },
  };
  return harness;
}

/** The visited node ids with their outcome, as `node:outcome`, for one readable assertion on a path. */
export function pathOf(visits: { node: string; outcome: string }[]): string[] {
  return visits.map((visit) => `${visit.node}:${visit.outcome}`);
}
