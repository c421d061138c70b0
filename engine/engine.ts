import type { Client } from '@temporalio/client';
import { messagingFromConfig, type MessagingOptions } from '../activities/email.activities.js';
import { createActivities, type Activities } from '../activities/index.js';
import { createMailTransport, type MailTransport } from '../activities/mail-transport.js';
import { createDb, type Db } from '../db/connection.js';
import { JourneyStore } from '../db/journey.repository.js';
import { createTemplateStore } from '../db/template.repository.js';
import { ScoringModelStore } from '../db/scoring.repository.js';
import { requireSetting, type Config } from '../domain/config.js';
import { createJourneyRouter } from '../orchestration/journey-router.js';
import { createOutboxDispatcher, createTemporalOrchestrator, type OutboxDispatcher } from '../orchestration/orchestrator.js';
import { TemplateRenderer } from '../templates/renderer.js';

// The composition root: the one place that turns the parsed configuration into the engine's parts,
// for `npm start`, the standalone worker and API, the test helpers and the benches alike. It sits
// above storage, activities, orchestration and templates and below the processes that run them
// (api/, worker/, scripts/): lint keeps both directions.

/** What a caller already holds and the engine uses as it is (and does not close). */
export interface EngineParts {
  /** A database of the caller's own (a test's); else one pool from DATABASE_URL, closed by `close()`. */
  db?: Db;
  /** The Temporal client work is handed to; the outbox dispatcher needs one, the worker does not. */
  temporal?: Client;
  /** A failed hand-off to Temporal (the outbox sweeper retries it); a warning on stderr otherwise. */
  onDispatchError?: (error: unknown) => void;
  /** Links and send rules built by the caller instead of from the config (tests of the send path). */
  messaging?: MessagingOptions;
  /** Templates of another folder than the project's templates/ (tests of the template routes). */
  templates?: TemplateRenderer;
}

export interface Engine {
  readonly config: Readonly<Config>;
  readonly db: Db;
  readonly models: ScoringModelStore;
  readonly journeys: JourneyStore;
  readonly templates: TemplateRenderer;
  /** Pooled SMTP (SMTP_URL), opened on first use: only a process that sends mail needs it. */
  readonly mailer: MailTransport;
  /** Every activity the worker registers (needs SMTP_URL, RELANCE_SECRET and PUBLIC_URL), built on first use. */
  readonly activities: Activities;
  /** The Temporal client given as a part. */
  readonly temporal: Client;
  /** Hands outbox intents to Temporal (events to journeys, welcomes, hand-offs), built on first use. */
  readonly dispatcher: OutboxDispatcher;
  /** Stops the dispatcher, closes the mail pool and the database the engine opened. */
  close(): Promise<void>;
}

const HINT = '`npm start` runs one embedded';

export function createEngine(config: Readonly<Config>, parts: EngineParts = {}): Engine {
  const db = parts.db ?? createDb(requireSetting(config, 'DATABASE_URL', `the engine keeps everything in PostgreSQL; ${HINT}`), { poolMax: config.DATABASE_POOL_MAX });
  const models = new ScoringModelStore(db);
  const journeys = new JourneyStore(db);
  // The version published at send time: templates stored through the API first, then the files.
  const templates = parts.templates ?? new TemplateRenderer(undefined, createTemplateStore(db));
  let mailer: MailTransport | undefined;
  let activities: Activities | undefined;
  let dispatcher: OutboxDispatcher | undefined;

  const temporal = (): Client => {
    if (parts.temporal === undefined) throw new Error('this engine was created without a Temporal client: pass one as `temporal`');
    return parts.temporal;
  };
  const openMailer = (): MailTransport =>
    (mailer ??= createMailTransport({
      smtpUrl: requireSetting(config, 'SMTP_URL', `the worker sends e-mail through it; ${HINT}`),
      poolSize: config.SMTP_POOL_SIZE,
      ratePerSecond: config.SMTP_RATE_PER_SECOND,
    }));

  return {
    config,
    db,
    models,
    journeys,
    templates,
    get mailer() {
      return openMailer();
    },
    get activities() {
      activities ??= createActivities({
        db,
        mailer: openMailer(),
        templates,
        mailFrom: config.MAIL_FROM,
        models,
        messaging:
          parts.messaging ??
          messagingFromConfig(
            config,
            requireSetting(config, 'RELANCE_SECRET', 'it signs the unsubscribe and tracking links in e-mails'),
            requireSetting(config, 'PUBLIC_URL', 'the address of the API that answers the links in e-mails'),
          ),
        webhookSecret: config.WEBHOOK_SECRET,
      });
      return activities;
    },
    get temporal() {
      return temporal();
    },
    get dispatcher() {
      if (dispatcher === undefined) {
        const client = temporal();
        const taskQueue = config.TEMPORAL_TASK_QUEUE;
        const router = createJourneyRouter({ temporal: client, taskQueue, journeys });
        const report = parts.onDispatchError ?? ((error: unknown) => console.warn('relance: orchestration dispatch failed; the outbox sweeper retries', error));
        dispatcher = createOutboxDispatcher(db, createTemporalOrchestrator(client, taskQueue, router), report);
      }
      return dispatcher;
    },
    async close() {
      await dispatcher?.stop();
      mailer?.close();
      if (parts.db === undefined) await db.destroy();
    },
  };
}
