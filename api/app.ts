import swagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { readOperationalState } from '../db/metrics.queries.js';
import type { Engine } from '../engine/engine.js';
import { createAuthenticator } from './auth.js';
import { createConsoleAuth, registerConsoleRoutes } from './console-auth.js';
import { registerConsoleStatic } from './console-static.js';
import { registerBodyDecoding } from './body-decoding.js';
import { registerErrorHandler } from './errors.js';
import { createBrowserSources } from './browser-sources.js';
import { createIngestService } from './ingest.service.js';
import { registerDevMailboxRoutes, type Mailbox } from './routes/dev-mailbox.js';
import { registerContactRoutes } from './routes/contacts.js';
import { registerEventRoutes } from './routes/events.js';
import { registerScoringRoutes } from './routes/scoring.js';
import { createScoringService } from './scoring.service.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { createHandoffService } from './handoff.service.js';
import { registerHandoffRoutes } from './routes/handoff.js';
import { createMessagingService, type LinkSettings } from './messaging.service.js';
import { registerLinkRoutes } from './routes/links.js';
import { registerConsentRoutes } from './routes/consent.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerNewsletterRoutes } from './routes/newsletters.js';
import { createTemplatesService, type TestMailSettings } from './templates.service.js';
import { createJourneyScheduler } from '../orchestration/journey-schedules.js';
import { createDryRunService, type DryRunner } from './dry-runs.service.js';
import { createJourneyService } from './journeys.service.js';
import { registerJourneyRoutes } from './routes/journeys.js';
import { registerErasureRoutes } from './routes/erasure.js';
import { createConsentService } from './consent.service.js';
import { createContactService } from './contacts.service.js';
import { createNewsletterService } from './newsletters.service.js';
import { createErasureService } from './erasure.service.js';
import { createCouponService } from './coupons.service.js';
import { registerCouponRoutes } from './routes/coupons.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';

export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ApiOptions {
  /** The engine's parts (db, models, journeys, templates, dispatcher, Temporal client): engine/engine.ts. */
  engine: Pick<Engine, 'config' | 'db' | 'models' | 'journeys' | 'templates' | 'dispatcher' | 'temporal'>;
  /** Local mode only: exposes the SMTP catcher at /dev/mailbox. */
  mailbox?: Mailbox;
  logLevel?: string;
  /** Signs and verifies the links in e-mails (unsubscribe, preferences, clicks, opens); without it those routes are absent. */
  links?: LinkSettings;
  /** Subscriptions wait for an e-mailed confirmation unless a request says otherwise (DOUBLE_OPT_IN). */
  doubleOptIn?: boolean;
  /** Where the Temporal SDK's runtime exports its own metrics (Prometheus text), appended to /metrics. */
  temporalMetricsUrl?: string;
  /** SMTP for test sends of templates (POST /v1/templates/:name/test-send); without it that route answers 503. */
  testMail?: TestMailSettings;
  /** Runs journey dry runs (POST /v1/journeys/:id/dry-runs) on a time-skipping server; without it that route answers 503. */
  dryRunner?: DryRunner;
}

/** What the routes are built over: the options and the engine's parts they name. */
export type ApiDependencies = Omit<ApiOptions, 'engine'> & { db: Engine['db']; temporal: Client; taskQueue: string; templates: Engine['templates'] };

// Segment's own limit for one call; a batch has its own, larger one.
export const BODY_LIMIT_BYTES = 32 * 1024;

export async function buildApp(options: ApiOptions): Promise<ApiInstance> {
  const { engine, ...rest } = options;
  const deps: ApiDependencies = { ...rest, db: engine.db, temporal: engine.temporal, taskQueue: engine.config.TEMPORAL_TASK_QUEUE, templates: engine.templates };
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info', redact: ['req.headers.authorization'] },
    bodyLimit: BODY_LIMIT_BYTES,
    // Signed link tokens (a click token carries its destination URL) are longer than the default 100.
    routerOptions: { maxParamLength: 4096 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerBodyDecoding(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Relance API', version: '0.1.0', description: 'Events in; scores, journeys and e-mail out.' },
      components: {
        securitySchemes: {
          writeKey: { type: 'http', scheme: 'basic', description: 'A write key as the user name, empty password (Segment style)' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'A write, admin or sales key' },
        },
      },
      security: [{ writeKey: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const { journeys: journeyStore, dispatcher, models } = engine;
  dispatcher.startSweeper();
  app.addHook('onClose', () => dispatcher.stop());
  const templates = createTemplatesService({ db: deps.db, renderer: deps.templates, ...(deps.testMail === undefined ? {} : { testMail: deps.testMail }) });
  const ingest = createIngestService(deps.db, models, dispatcher, { journeys: journeyStore, doubleOptIn: deps.doubleOptIn ?? false });
  const consoleAuth = await createConsoleAuth(app, { db: deps.db, secret: deps.links?.secret });
  const auth = createAuthenticator(deps.db, { session: consoleAuth.session });
  registerMetricsRoutes(app, { operationalState: () => readOperationalState(deps.db), temporalMetricsUrl: deps.temporalMetricsUrl });
  registerHealthRoutes(app, {
    database: () => sql`select 1`.execute(deps.db),
    temporal: () => deps.temporal.connection.workflowService.getSystemInfo({}),
  });
  registerEventRoutes(app, { ingest, auth, browser: createBrowserSources(deps.db, auth) });
  registerContactRoutes(app, { contacts: createContactService({ db: deps.db, models, dispatcher }), auth });
  registerScoringRoutes(app, { auth, scoring: createScoringService({ db: deps.db, models, temporal: deps.temporal, taskQueue: deps.taskQueue }) });
  registerHandoffRoutes(app, { auth, handoffs: createHandoffService({ db: deps.db, temporal: deps.temporal, dispatcher }) });
  registerNewsletterRoutes(app, { newsletters: createNewsletterService({ db: deps.db, models, temporal: deps.temporal, taskQueue: deps.taskQueue, templates: deps.templates }), auth });
  if (deps.mailbox !== undefined) registerDevMailboxRoutes(app, deps.mailbox);
  if (deps.links !== undefined) {
    registerLinkRoutes(app, { links: deps.links, messaging: createMessagingService(deps.db, ingest) });
  }
  registerConsentRoutes(app, { consent: createConsentService({ db: deps.db, dispatcher, doubleOptIn: deps.doubleOptIn ?? false }), auth });
  registerTemplateRoutes(app, { auth, templates });
  const schedules = createJourneyScheduler({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue });
  const journeys = createJourneyService({ db: deps.db, temporal: deps.temporal, journeys: journeyStore, schedules, templates });
  registerJourneyRoutes(app, { journeys, dryRuns: createDryRunService({ journeys, runner: deps.dryRunner }), auth });
  registerErasureRoutes(app, { auth, erasure: createErasureService({ db: deps.db, temporal: deps.temporal }) });
  registerCouponRoutes(app, { auth, coupons: createCouponService({ db: deps.db, ingest, log: app.log }), linkSecret: deps.links?.secret });
  registerConsoleRoutes(app, { consoleAuth, auth });
  registerApiKeyRoutes(app, { db: deps.db, auth });
  await registerConsoleStatic(app);
  await journeys.seedTemplates();
  await templates.seedBuiltIns();
  // Journeys published, paused or archived while no API ran get their calendars put right; in the
  // background, so an API comes up (and serves ingestion) while Temporal is still out of reach.
  const scheduling = schedules.syncAll().catch((error: unknown) => app.log.warn({ err: error }, 'journey schedules could not be synchronised; the next publish or restart retries'));
  app.addHook('onClose', () => scheduling);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
