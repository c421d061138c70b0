import { z } from 'zod';
import { JourneyId, NodeId } from '../../domain/journeys/definition.js';
import { JOURNEY_LEVEL } from '../../domain/journeys/graph.js';
import { DRY_RUN_DEFAULTS } from '../../domain/journeys/simulation.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import { ErrorResponse } from '../errors.js';
import type { DryRun, DryRunService } from '../dry-runs.service.js';
import { InvalidJourneyError, type JourneyService } from '../journeys.service.js';
import type { JourneyRecord } from '../../db/journey.repository.js';

const InFlightPolicy = z.enum(['finish_on_old', 'move_to_new']);
const NodeMap = z.record(z.string().min(1), z.string().min(1)).describe('node of an older version → node of the new one');

/** 400 for a definition that cannot run: every problem with the node it is in. */
const InvalidJourneyResponse = z.object({
  error: z.literal('invalid_journey'),
  message: z.string(),
  issues: z.array(
    z.object({
      nodeId: z.string().describe('the node the problem is in, or "(journey)"'),
      reason: z.string(),
      field: z.string().optional().describe('the field inside the node (or the journey) at fault, e.g. wait.duration'),
      path: z.string().describe('the field in the body, e.g. definition.nodes.reminder.wait.duration'),
      message: z.string(),
    }),
  ),
});

const Journey = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['draft', 'active', 'paused', 'archived']),
  activeVersion: z.number().nullable(),
  inFlightPolicy: InFlightPolicy,
  draft: z.unknown().describe('the definition being edited, published as the next version; null when none'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const toJourney = (journey: JourneyRecord) => ({
  ...journey,
  draft: journey.draft ?? null,
  createdAt: journey.createdAt.toISOString(),
  updatedAt: journey.updatedAt.toISOString(),
});

const Params = z.object({ id: JourneyId });

const CreateBody = z
  .object({
    definition: z.record(z.string(), z.unknown()).optional().describe('a journey definition (schemaVersion 1)'),
    fromTemplate: z.string().regex(/^[a-z0-9-]+$/, 'a template name, e.g. "abandoned-cart"').optional(),
    id: JourneyId.optional().describe('with fromTemplate: the id of the copy'),
    name: z.string().min(1).max(200).optional().describe('with fromTemplate: the name of the copy'),
    inFlightPolicy: InFlightPolicy.optional(),
  })
  .refine((body) => (body.definition === undefined) !== (body.fromTemplate === undefined), { message: 'send either definition or fromTemplate', path: ['definition'] });

const DraftBody = z.object({ definition: z.record(z.string(), z.unknown()), inFlightPolicy: InFlightPolicy.optional() });

const PublishBody = z
  .object({ inFlightPolicy: InFlightPolicy.optional(), nodeMap: NodeMap.optional() })
  .refine((body) => body.nodeMap === undefined || body.inFlightPolicy === 'move_to_new', { message: 'a node map only applies with inFlightPolicy "move_to_new"', path: ['nodeMap'] });

const PreviewQuery = z.object({
  toVersion: z.coerce.number().int().positive().optional().describe('a published version; the draft when absent'),
  nodeMap: z
    .string()
    .regex(/^[^:,\s]+:[^:,\s]+(,[^:,\s]+:[^:,\s]+)*$/, 'old:new pairs separated by commas, e.g. remind:remind_1h,wait:wait_cart')
    .optional(),
});

const StopBody = z.object({ reason: z.string().min(1).max(500).optional() }).default({});

const Analytics = z.object({
  entered: z.number(),
  inFlight: z.number(),
  exitedByGoal: z.number(),
  exitedByTimeout: z.number(),
  exited: z.number(),
  completed: z.number(),
  stopped: z.number(),
  nodes: z.array(z.object({ version: z.number(), nodeId: z.string(), now: z.number(), visits: z.record(z.string(), z.number()) })),
});

const DryRunBody = z
  .object({
    contacts: z.number().int().min(1).max(20_000).default(DRY_RUN_DEFAULTS.contacts),
    days: z.number().int().min(1).max(90).default(DRY_RUN_DEFAULTS.days),
    eventProbability: z.number().min(0).max(1).default(DRY_RUN_DEFAULTS.eventProbability).describe('how likely each synthetic contact sends each event a wait listens for'),
    seed: z.number().int().min(0).max(2 ** 31).default(DRY_RUN_DEFAULTS.seed),
  })
  .default({ contacts: DRY_RUN_DEFAULTS.contacts, days: DRY_RUN_DEFAULTS.days, eventProbability: DRY_RUN_DEFAULTS.eventProbability, seed: DRY_RUN_DEFAULTS.seed });

const DryRunResponse = z.object({
  id: z.string(),
  journeyId: z.string(),
  source: z.enum(['draft', 'active']),
  request: z.object({ contacts: z.number(), days: z.number(), eventProbability: z.number(), seed: z.number() }),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.object({ fraction: z.number(), day: z.number(), ended: z.number(), emails: z.number() }),
  summary: z
    .object({
      contacts: z.number(),
      days: z.number(),
      paths: z.array(z.object({ path: z.string(), contacts: z.number() })),
      emailsPerDay: z.array(z.number()),
      emailsByTemplate: z.record(z.string(), z.number()),
      outcomes: z.record(z.string(), z.number()),
    })
    .nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
});

const toDryRun = (run: DryRun) => ({ ...run, startedAt: run.startedAt.toISOString() });

export function registerJourneyRoutes(app: ApiInstance, deps: { journeys: JourneyService; dryRuns: DryRunService; auth: Authenticator }): void {
  const admin = deps.auth.requireRole('admin');
  const errors = { 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
  const invalid = { 400: z.union([InvalidJourneyResponse, ErrorResponse]) };
  const tags = ['journeys'];

  /** Runs a service call; a definition that cannot run becomes a 400 naming every node and reason. */
  async function orInvalid<T>(reply: { status(code: number): { send(body: unknown): unknown } }, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof InvalidJourneyError)) throw error;
      const issues = error.issues.map((issue) => ({
        ...issue,
        path: [issue.nodeId === JOURNEY_LEVEL ? error.field : error.field === 'nodeMap' ? `nodeMap.${issue.nodeId}` : `definition.nodes.${issue.nodeId}`, ...(issue.field === undefined ? [] : [issue.field])].join('.'),
        message: issue.reason,
      }));
      reply.status(400).send({ error: 'invalid_journey', message: error.message, issues });
      return undefined;
    }
  }

  app.get(
    '/v1/journey-templates',
    { onRequest: admin, schema: { summary: 'Built-in journey templates to copy (POST /v1/journeys with fromTemplate)', tags, response: { 200: z.object({ templates: z.array(z.object({ name: z.string(), id: z.string(), title: z.string(), description: z.string().optional(), definition: z.record(z.string(), z.unknown()) })) }), ...errors } } },
    async () => ({ templates: await deps.journeys.templates() }),
  );

  app.get(
    '/v1/journeys',
    {
      onRequest: admin,
      schema: {
        summary: 'Every journey with its status, active version and runs (entered, in flight, ended at a goal)',
        tags,
        response: { 200: z.object({ journeys: z.array(Journey.extend({ runs: z.object({ entered: z.number(), inFlight: z.number(), exitedByGoal: z.number() }) })) }), ...errors },
      },
    },
    async () => ({ journeys: (await deps.journeys.list()).map((journey) => ({ ...toJourney(journey), runs: journey.runs })) }),
  );

  app.post(
    '/v1/journeys',
    { onRequest: admin, schema: { summary: 'Create a draft journey from a definition or a built-in template', tags, body: CreateBody, response: { 201: Journey, ...invalid, ...errors } } },
    async (request, reply) => {
      const journey = await orInvalid(reply, () => deps.journeys.create(request.body));
      if (journey !== undefined) return reply.status(201).send(toJourney(journey));
      return reply;
    },
  );

  app.put(
    '/v1/journeys/:id/draft',
    { onRequest: admin, schema: { summary: 'Replace the draft (validated: schema and graph); running contacts are not affected', tags, params: Params, body: DraftBody, response: { 200: Journey, ...invalid, ...errors } } },
    async (request, reply) => {
      const journey = await orInvalid(reply, () => deps.journeys.updateDraft(request.params.id, request.body.definition, request.body.inFlightPolicy));
      return journey === undefined ? reply : toJourney(journey);
    },
  );

  app.post(
    '/v1/journeys/:id/publish',
    {
      onRequest: admin,
      schema: {
        summary: 'Publish the draft as a new version for new entries; contacts in flight finish on their version or move to the new one at mapped nodes',
        tags,
        params: Params,
        body: PublishBody.default({}),
        response: { 200: z.object({ id: z.string(), version: z.number(), previousVersion: z.number().nullable(), inFlightPolicy: InFlightPolicy, movedRuns: z.number() }), ...invalid, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const published = await orInvalid(reply, () =>
        deps.journeys.publish(request.params.id, { ...(body.inFlightPolicy === undefined ? {} : { inFlightPolicy: body.inFlightPolicy }), ...(body.nodeMap === undefined ? {} : { nodeMap: body.nodeMap }) }),
      );
      return published ?? reply;
    },
  );

  for (const action of ['pause', 'resume', 'archive'] as const) {
    app.post(
      `/v1/journeys/:id/${action}`,
      {
        onRequest: admin,
        schema: {
          summary: {
            pause: 'Pause the journey for every contact: no new entries, running contacts wait where they are',
            resume: 'Resume a paused journey: running contacts carry on, new entries are admitted again',
            archive: 'Archive the journey: no new entries; contacts in flight finish on their version',
          }[action],
          tags,
          params: Params,
          response: { 200: z.object({ id: z.string(), status: z.string(), signalledRuns: z.number() }), ...errors },
        },
      },
      async (request) => deps.journeys.setStatus(request.params.id, action),
    );
  }

  app.post(
    '/v1/journeys/:id/contacts/:contactId/stop',
    {
      onRequest: admin,
      schema: {
        summary: "Stop one contact's runs of this journey, wherever they are",
        tags,
        params: Params.extend({ contactId: z.uuid() }),
        body: StopBody,
        response: { 200: z.object({ id: z.string(), contactId: z.string(), stoppedRuns: z.number(), workflowIds: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return deps.journeys.stopForContact(request.params.id, request.params.contactId, request.body.reason ?? `stopped by ${principal.name}`);
    },
  );

  app.get(
    '/v1/journeys/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'A journey: status, versions, active definition, and analytics (entered, in each node now, exits by goal and timeout)',
        tags,
        params: Params,
        response: {
          200: Journey.extend({
            versions: z.array(z.object({ version: z.number(), publishedAt: z.string(), inFlightPolicy: InFlightPolicy })),
            activeDefinition: z.unknown(),
            analytics: Analytics,
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { journey, versions, activeDefinition, analytics } = await deps.journeys.describe(request.params.id);
      return {
        ...toJourney(journey),
        versions: versions.map((version) => ({ ...version, publishedAt: version.publishedAt.toISOString() })),
        activeDefinition,
        analytics,
      };
    },
  );

  app.get(
    '/v1/journeys/:id/nodes/:nodeId/contacts',
    {
      onRequest: admin,
      schema: {
        summary: 'The contacts in flight at a node (of the active version, or `version`), longest there first, a page at a time',
        tags,
        params: Params.extend({ nodeId: NodeId }),
        querystring: z.object({
          version: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          after: z.string().min(1).max(200).optional().describe('the `next` of the page before'),
        }),
        response: {
          200: z.object({
            version: z.number().nullable(),
            contacts: z.array(z.object({ runId: z.string(), contactId: z.string(), email: z.string().nullable(), enteredAt: z.string() })),
            next: z.string().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const page = await deps.journeys.contactsAtNode(request.params.id, request.params.nodeId, request.query);
      return { ...page, contacts: page.contacts.map((contact) => ({ ...contact, enteredAt: contact.enteredAt.toISOString() })) };
    },
  );

  app.post(
    '/v1/journeys/:id/dry-runs',
    {
      onRequest: admin,
      schema: {
        summary: 'Start a dry run of the draft (or the active version) for synthetic contacts: paths taken, e-mails per day and exits, nothing sent or written',
        tags,
        params: Params,
        body: DryRunBody,
        response: { 202: DryRunResponse, ...invalid, ...errors, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const run = await orInvalid(reply, () => deps.dryRuns.start(request.params.id, request.body));
      return run === undefined ? reply : reply.status(202).send(toDryRun(run));
    },
  );

  app.get(
    '/v1/journeys/:id/dry-runs/:runId',
    { onRequest: admin, schema: { summary: "A dry run's progress, then its result", tags, params: Params.extend({ runId: z.uuid() }), response: { 200: DryRunResponse, ...errors } } },
    async (request) => toDryRun(deps.dryRuns.find(request.params.id, request.params.runId)),
  );

  app.get(
    '/v1/journeys/:id/preview-migration',
    {
      onRequest: admin,
      schema: {
        summary: 'Contacts at each node of each version, and where a move to a version (the draft by default) would put them',
        tags,
        params: Params,
        querystring: PreviewQuery,
        response: {
          200: z.object({
            journeyId: z.string(),
            toVersion: z.union([z.number(), z.literal('draft')]),
            nodeMap: z.record(z.string(), z.string()),
            versions: z.array(z.object({ version: z.number(), contacts: z.number(), nodes: z.array(z.object({ nodeId: z.string().nullable(), contacts: z.number(), movesTo: z.string().nullable() })) })),
            wouldMove: z.number(),
            wouldStay: z.number(),
          }),
          ...invalid,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const nodeMap = request.query.nodeMap === undefined ? undefined : Object.fromEntries(request.query.nodeMap.split(',').map((pair) => pair.split(':') as [string, string]));
      const preview = await orInvalid(reply, () =>
        deps.journeys.previewMigration(request.params.id, {
          ...(request.query.toVersion === undefined ? {} : { toVersion: request.query.toVersion }),
          ...(nodeMap === undefined ? {} : { nodeMap }),
        }),
      );
      return preview ?? reply;
    },
  );
}
