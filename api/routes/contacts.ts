import { z } from 'zod';
import { LifecycleStage } from '../../domain/scoring/index.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import type { ContactService } from '../contacts.service.js';
import { ErrorResponse, HttpError } from '../errors.js';

const ContactParams = z.object({ id: z.uuid() });
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date');

const SearchQuery = z.object({
  stage: LifecycleStage.optional(),
  minScore: z.coerce.number().optional(),
  maxScore: z.coerce.number().optional(),
  trait: z
    .string()
    .regex(/^[A-Za-z0-9_]+:.+$/, 'expected name:value, e.g. country:FR')
    .optional()
    .describe('name:value of a trait'),
  activeSince: isoDate.optional(),
  after: z.uuid().optional().describe('cursor: the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const FunnelQuery = z.object({ from: isoDate, to: isoDate });

const TraitsBody = z.object({
  traits: z.record(z.string().regex(/^[A-Za-z0-9_]+$/, 'trait names are letters, digits and _'), z.unknown()).refine((t) => Object.keys(t).length > 0, 'at least one trait'),
});

const TraitValue = z.object({ value: z.unknown(), source: z.string(), updatedAt: z.string() });
const Traits = z.record(z.string(), TraitValue);

const ContactProfile = z.object({
  id: z.string(),
  email: z.string().nullable(),
  stage: z.string(),
  traits: Traits,
  identities: z.array(z.object({ kind: z.string(), value: z.string() })),
  mergedFrom: z.array(z.string()).describe('anonymous or duplicate profiles merged into this contact'),
  score: z.object({ engagement: z.number(), fit: z.number(), grade: z.string() }).nullable(),
  stageHistory: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string(), actor: z.string(), at: z.string() })),
  recentEvents: z.array(z.object({ messageId: z.string(), type: z.string(), at: z.string(), properties: z.record(z.string(), z.unknown()) })),
  lastActivityAt: z.string().nullable(),
});

const ScoreResponse = z.object({
  contactId: z.string(),
  at: z.string(),
  model: z.object({ id: z.string(), version: z.number(), halfLifeDays: z.number(), windowDays: z.number() }),
  stage: z.string(),
  engagement: z.object({
    total: z.number(),
    lines: z.array(
      z.object({ eventId: z.string(), eventType: z.string(), ruleId: z.string(), points: z.number(), decayedPoints: z.number(), occurredAt: z.string(), reason: z.string() }),
    ),
  }),
  fit: z.object({
    points: z.number(),
    grade: z.string(),
    lines: z.array(z.object({ ruleId: z.string(), trait: z.string(), points: z.number(), source: z.string() })),
    ignored: z.array(z.object({ ruleId: z.string(), trait: z.string(), source: z.string(), reason: z.string() })),
  }),
});

const TraitHistory = z.object({
  changes: z.array(z.object({ trait: z.string(), before: z.unknown(), after: z.unknown(), outcome: z.string(), actor: z.string(), changed_at: z.string() })),
});

const SearchResponse = z.object({
  contacts: z.array(
    z.object({ id: z.string(), email: z.string().nullable(), stage: z.string(), fit_grade: z.string(), engagement: z.number(), last_activity_at: z.string().nullable() }),
  ),
  nextCursor: z.string().nullable(),
});

const FunnelResponse = z.object({
  from: z.string(),
  to: z.string(),
  stages: z.array(z.object({ stage: z.string(), current: z.number(), entered: z.number() })),
  conversions: z.array(z.object({ from: z.string(), to: z.string(), rate: z.number().nullable() })),
});

function notFound(id: string): never {
  throw new HttpError(404, 'not_found', `no contact ${id}`);
}

export function registerContactRoutes(app: ApiInstance, deps: { contacts: ContactService; auth: Authenticator }): void {
  const admin = deps.auth.requireRole('admin');
  const adminOrSales = deps.auth.requireRole('admin', 'sales');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  app.get(
    '/v1/contacts/:id',
    { onRequest: adminOrSales, schema: { summary: 'A contact: traits with their sources, stage, score, stage history, recent events', tags: ['contacts'], params: ContactParams, response: { 200: ContactProfile, ...errors } } },
    async (request) => (await deps.contacts.profile(request.params.id)) ?? notFound(request.params.id),
  );

  app.get(
    '/v1/contacts/:id/score',
    { onRequest: adminOrSales, schema: { summary: 'Why this score: every engagement line (decayed now) and every fit line', tags: ['contacts'], params: ContactParams, response: { 200: ScoreResponse, ...errors } } },
    async (request) => (await deps.contacts.score(request.params.id)) ?? notFound(request.params.id),
  );

  app.get(
    '/v1/contacts/:id/trait-history',
    { onRequest: adminOrSales, schema: { summary: 'Audit trail of every trait change, automatic or by hand, and refused overwrites', tags: ['contacts'], params: ContactParams, response: { 200: TraitHistory, ...errors } } },
    async (request) => (await deps.contacts.traitHistory(request.params.id)) ?? notFound(request.params.id),
  );

  app.patch(
    '/v1/contacts/:id/traits',
    { onRequest: adminOrSales, schema: { summary: 'Set traits by hand (source sales): automatic updates never overwrite them', tags: ['contacts'], params: ContactParams, body: TraitsBody, response: { 200: z.object({ id: z.string(), traits: Traits }), ...errors } } },
    async (request) => {
      const principal = requirePrincipal(request);
      return (await deps.contacts.setTraits(request.params.id, request.body.traits, `${principal.role}:${principal.name}`)) ?? notFound(request.params.id);
    },
  );

  app.get(
    '/v1/contacts',
    { onRequest: admin, schema: { summary: 'Search contacts by stage, score range, trait and last activity, paginated', tags: ['contacts'], querystring: SearchQuery, response: { 200: SearchResponse, ...errors } } },
    async (request) => {
      const { trait, activeSince, ...rest } = request.query;
      const separator = trait?.indexOf(':') ?? -1;
      return deps.contacts.search({
        ...rest,
        trait: trait === undefined ? undefined : { name: trait.slice(0, separator), value: trait.slice(separator + 1) },
        activeSince: activeSince === undefined ? undefined : new Date(activeSince),
      });
    },
  );

  app.get(
    '/v1/funnel',
    { onRequest: admin, schema: { summary: 'Contacts per stage, entries per stage over a period, and conversion between stages', tags: ['contacts'], querystring: FunnelQuery, response: { 200: FunnelResponse, ...errors } } },
    async (request) => deps.contacts.funnel(new Date(request.query.from), new Date(request.query.to)),
  );
}
