import swagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/connection.js';
import { createAuthenticator } from './auth.js';
import { createConsoleAuth, registerConsoleRoutes } from './console-auth.js';
import { registerConsoleStatic } from './console-static.js';
import { registerBodyDecoding } from './body-decoding.js';
import { registerErrorHandler } from './errors.js';
import { createIngestService } from './ingest.service.js';
import { createOutboxDispatcher, createTemporalOrchestrator } from '../orchestration/orchestrator.js';
import { ScoringModelStore } from '../db/scoring.repository.js';
import { registerDevMailboxRoutes, type Mailbox } from './routes/dev-mailbox.js';
import { registerContactRoutes } from './routes/contacts.js';
import { registerEventRoutes } from './routes/events.js';
import { registerScoringRoutes } from './routes/scoring.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerHandoffRoutes } from './routes/handoff.js';
import { createMessagingService, type LinkSettings } from './messaging.service.js';
import { registerLinkRoutes } from './routes/links.js';
import { registerConsentRoutes } from './routes/consent.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerNewsletterRoutes } from './routes/newsletters.js';
import { TemplateRenderer } from '../templates/renderer.js';
import { JourneyStore } from '../db/journey.repository.js';
import { createJourneyRouter } from '../orchestration/journey-router.js';
import { createJourneyService } from './journeys.service.js';
import { registerJourneyRoutes } from './routes/journeys.js';
import { registerErasureRoutes } from './routes/erasure.js';
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

export interface ApiDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Local mode only: exposes the SMTP catcher at /dev/mailbox. */
  mailbox?: Mailbox;
  logLevel?: string;
  /** Signs and verifies the links in e-mails (unsubscribe, preferences, clicks, opens); without it those routes are absent. */
  links?: LinkSettings;
  /** Subscriptions wait for an e-mailed confirmation unless a request says otherwise (DOUBLE_OPT_IN). */
  doubleOptIn?: boolean;
  /** Where the Temporal SDK's runtime exports its own metrics (Prometheus text), appended to /metrics. */
  temporalMetricsUrl?: string;
  /** Templates to validate and preview; the project's templates/ folder unless a test passes its own. */
  templates?: TemplateRenderer;
}

// Segment's own limit for one call; a batch has its own, larger one.
export const BODY_LIMIT_BYTES = 32 * 1024;

export async function buildApp(deps: ApiDependencies): Promise<ApiInstance> {
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

  const journeyStore = new JourneyStore(deps.db);
  const journeyRouter = createJourneyRouter({ temporal: deps.temporal, taskQueue: deps.taskQueue, journeys: journeyStore });
  const dispatcher = createOutboxDispatcher(deps.db, createTemporalOrchestrator(deps.temporal, deps.taskQueue, journeyRouter), (error) =>
    app.log.warn({ err: error }, 'orchestration dispatch failed; the outbox sweeper retries'),
  );
  dispatcher.startSweeper();
  app.addHook('onClose', () => dispatcher.stop());
  const models = new ScoringModelStore(deps.db);
  const ingest = createIngestService(deps.db, models, dispatcher, { journeys: journeyStore, doubleOptIn: deps.doubleOptIn ?? false });
  const consoleAuth = await createConsoleAuth(app, { db: deps.db, secret: deps.links?.secret });
  const auth = createAuthenticator(deps.db, { session: consoleAuth.session });
  registerMetricsRoutes(app, { db: deps.db, temporalMetricsUrl: deps.temporalMetricsUrl });
  registerHealthRoutes(app, deps);
  registerEventRoutes(app, { ingest, auth, db: deps.db });
  registerContactRoutes(app, { db: deps.db, models, auth, dispatcher });
  registerScoringRoutes(app, { db: deps.db, models, auth, temporal: deps.temporal, taskQueue: deps.taskQueue });
  registerHandoffRoutes(app, { db: deps.db, auth, temporal: deps.temporal, dispatcher });
  registerNewsletterRoutes(app, { db: deps.db, models, auth, temporal: deps.temporal, taskQueue: deps.taskQueue, templates: deps.templates ?? new TemplateRenderer() });
  if (deps.mailbox !== undefined) registerDevMailboxRoutes(app, deps.mailbox);
  if (deps.links !== undefined) {
    registerLinkRoutes(app, { db: deps.db, links: deps.links, messaging: createMessagingService(deps.db, ingest) });
  }
  registerConsentRoutes(app, { db: deps.db, auth, dispatcher, doubleOptIn: deps.doubleOptIn ?? false });
  registerTemplateRoutes(app, { db: deps.db, auth, templates: deps.templates ?? new TemplateRenderer() });
  const journeys = createJourneyService({ db: deps.db, temporal: deps.temporal, journeys: journeyStore });
  registerJourneyRoutes(app, { journeys, auth });
  registerErasureRoutes(app, { db: deps.db, auth, temporal: deps.temporal });
  registerCouponRoutes(app, { db: deps.db, auth, coupons: createCouponService({ db: deps.db, ingest, log: app.log }), linkSecret: deps.links?.secret });
  registerConsoleRoutes(app, { consoleAuth, auth });
  registerApiKeyRoutes(app, { db: deps.db, auth });
  await registerConsoleStatic(app);
  await journeys.seedTemplates();

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
