import { z } from 'zod';
import { HandoffStatus, OpportunityStage, RoutingRules, SalesAction } from '../../domain/handoff/index.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator, type Principal } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';
import type { HandoffService } from '../handoff.service.js';

const RepParams = z.object({ email: z.email() });
const RepBody = z.object({
  name: z.string().trim().min(1).max(200),
  managerEmail: z.email().nullable().default(null),
  territories: z.array(z.string().min(1)).default([]),
  capacity: z.number().int().min(0).max(10_000),
  available: z.boolean().default(true),
});
const Rep = z.object({
  email: z.string(),
  name: z.string(),
  managerEmail: z.string().nullable(),
  territories: z.array(z.string()),
  capacity: z.number(),
  available: z.boolean(),
  openLeads: z.number(),
});

const HandoffParams = z.object({ id: z.uuid() });
const Handoff = z.object({
  id: z.string(),
  contactId: z.string(),
  status: z.string(),
  owner: z.string().nullable(),
  reason: z.string(),
  source: z.string(),
  rule: z.unknown(),
  opportunity: z.object({ stage: z.string(), probability: z.number() }).nullable(),
  rejectionReason: z.string().nullable(),
  lostReason: z.string().nullable(),
  slaDueAt: z.string().nullable(),
  escalatedTo: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const HandoffDetail = Handoff.extend({
  summary: z.unknown(),
  deliveries: z.array(
    z.object({
      id: z.string(),
      url: z.string(),
      status: z.enum(['pending', 'delivered', 'dead_letter']),
      attempts: z.number(),
      lastStatusCode: z.number().nullable(),
      lastError: z.string().nullable(),
      lastAttemptAt: z.string().nullable(),
      deliveredAt: z.string().nullable(),
    }),
  ),
  actions: z.array(z.object({ action: z.string(), details: z.unknown(), actor: z.string(), at: z.string() })),
});
const ActionAnswer = z.object({ handoff: Handoff, repeated: z.boolean().describe('the same action had already been taken: nothing changed') });

const InboxQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const statuses = value.split(',').map((part) => part.trim());
      const parsed = z.array(HandoffStatus).safeParse(statuses);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `expected a comma-separated list of ${HandoffStatus.options.join(', ')}` });
        return z.NEVER;
      }
      return parsed.data;
    }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const publicView = <T extends { workflowId: string; runId: string }>({ workflowId: _w, runId: _r, ...rest }: T) => rest;

export function registerHandoffRoutes(app: ApiInstance, deps: { auth: Authenticator; handoffs: HandoffService }): void {
  const admin = deps.auth.requireRole('admin');
  const sales = deps.auth.requireRole('sales');
  const salesOrAdmin = deps.auth.requireRole('sales', 'admin');

  app.put(
    '/v1/sales/reps/:email',
    { onRequest: admin, schema: { summary: 'Create or update a sales rep: manager, territories, capacity (open leads), availability', tags: ['sales'], params: RepParams, body: RepBody, response: { 200: Rep, ...errors } } },
    async (request) => deps.handoffs.saveRep({ email: request.params.email, ...request.body }),
  );

  app.get('/v1/sales/reps', { onRequest: admin, schema: { summary: 'Sales reps with their open leads', tags: ['sales'], response: { 200: z.object({ reps: z.array(Rep) }), ...errors } } }, async () => ({
    reps: await deps.handoffs.reps(),
  }));

  app.put(
    '/v1/handoff/routing-rules',
    {
      onRequest: admin,
      schema: { summary: 'Replace the routing rules (accounts, territories, fallback queue, SLA, recycling, CRM webhook); a new version', tags: ['sales'], body: RoutingRules, response: { 200: z.object({ version: z.number(), rules: RoutingRules }), ...errors } },
    },
    async (request) => ({ version: await deps.handoffs.saveRoutingRules(request.body), rules: request.body }),
  );

  app.get(
    '/v1/handoff/routing-rules',
    { onRequest: admin, schema: { summary: 'The routing rules in force', tags: ['sales'], response: { 200: z.object({ version: z.number(), rules: RoutingRules }), ...errors } } },
    async () => {
      const active = await deps.handoffs.routingRules();
      if (active === undefined) throw new HttpError(404, 'not_found', 'no routing rules yet: PUT /v1/handoff/routing-rules');
      return active;
    },
  );

  app.get(
    '/v1/sales/leads',
    { onRequest: sales, schema: { summary: "The calling rep's leads, oldest first, optionally by status (e.g. assigned,escalated)", tags: ['sales'], querystring: InboxQuery, response: { 200: z.object({ leads: z.array(Handoff.extend({ summary: z.unknown() })) }), ...errors } } },
    async (request) => {
      const owner = requirePrincipal(request).owner;
      if (owner === null) throw new HttpError(403, 'forbidden', 'this sales key has no owner');
      const leads = await deps.handoffs.leadsOf(owner, request.query.status, request.query.limit);
      return { leads: leads.map(publicView) };
    },
  );

  app.get(
    '/v1/handoffs/:id',
    { onRequest: salesOrAdmin, schema: { summary: 'A hand-off: owner, status, summary, actions, and CRM delivery state (delivered, or dead letter with the last error)', tags: ['sales'], params: HandoffParams, response: { 200: HandoffDetail, ...errors } } },
    async (request) => {
      const found = await deps.handoffs.handoff(request.params.id);
      const principal = requirePrincipal(request);
      if (found === undefined || (principal.role === 'sales' && principal.owner?.toLowerCase() !== found.owner)) {
        throw new HttpError(404, 'not_found', `no hand-off ${request.params.id}`);
      }
      return {
        ...publicView(found),
        deliveries: found.deliveries.map((d) => ({
          id: d.id,
          url: d.url,
          status: d.status,
          attempts: d.attempts,
          lastStatusCode: d.last_status_code,
          lastError: d.last_error,
          lastAttemptAt: d.last_attempt_at?.toISOString() ?? null,
          deliveredAt: d.delivered_at?.toISOString() ?? null,
        })),
        actions: found.actions.map((a) => ({ action: a.action, details: a.details, actor: a.actor, at: a.occurred_at.toISOString() })),
      };
    },
  );

  const actionRoute = (path: string, summary: string, body: z.ZodType<Record<string, unknown>>, toAction: (body: Record<string, unknown>) => SalesAction) =>
    app.post(
      `/v1/handoffs/:id/${path}`,
      { onRequest: salesOrAdmin, schema: { summary, tags: ['sales'], params: HandoffParams, body, response: { 200: ActionAnswer, ...errors } } },
      async (request) => {
        const principal = requirePrincipal(request);
        const result = await deps.handoffs.takeAction({ handoffId: request.params.id, action: toAction(request.body), actor: actorOf(principal) });
        switch (result.kind) {
          case 'not-found':
            throw new HttpError(404, 'not_found', `no hand-off ${request.params.id}`);
          case 'forbidden':
            throw new HttpError(403, 'forbidden', result.message);
          case 'conflict':
            throw new HttpError(409, 'conflict', result.message);
          case 'done':
            return { handoff: publicView(result.handoff), repeated: result.repeated };
        }
      },
    );

  const Empty = z.object({}).default({});
  const Reason = z.object({ reason: z.string().trim().min(3, 'say why in a few words').max(1000) });
  actionRoute('accept', 'Accept the lead: the contact becomes an SQL, the opportunity starts at qualification', Empty, () => ({ action: 'accept' }));
  actionRoute('reject', 'Reject the lead with a reason: it goes back to nurture after the cooldown', Reason, (body) => SalesAction.parse({ action: 'reject', reason: body['reason'] }));
  actionRoute('opportunity', 'Move the opportunity to a stage of the pipeline', z.object({ stage: OpportunityStage }), (body) => SalesAction.parse({ action: 'opportunity', stage: body['stage'] }));
  actionRoute('won', 'The opportunity is won: the contact becomes a customer', Empty, () => ({ action: 'won' }));
  actionRoute('lost', 'The opportunity is lost, with a reason', Reason, (body) => SalesAction.parse({ action: 'lost', reason: body['reason'] }));
}

function actorOf(principal: Principal) {
  return principal.role === 'sales' ? { label: `sales:${principal.owner ?? principal.name}`, rep: principal.owner ?? '' } : { label: `${principal.role}:${principal.name}`, rep: null };
}
