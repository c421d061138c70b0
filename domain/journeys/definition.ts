import { z } from 'zod';
import { CampaignId, CouponDiscount } from '../coupons.js';
import { LifecycleStage } from '../scoring/lifecycle.js';
import { isTimeZone } from '../time-zone.js';
import { cronProblem } from './cron.js';
import { parseDuration } from './duration.js';

// A journey definition is data (a JSON file in templates/journeys/, or a body posted to the API),
// versioned by `schemaVersion`. A running journey carries the exact definition it entered with in
// its workflow input, so this schema only ever grows: a V2 goes beside V1, never in its place.
// Node `type` strings are public contracts: once shipped, never renamed.

/** Node ids and journey ids end up in workflow ids, e-mail causes and analytics rows: short, no spaces. */
export const JourneyId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'id: 1–64 characters, lower-case letters, digits, "_" or "-"');
export type JourneyId = z.infer<typeof JourneyId>;

export const NodeId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'node id: 1–64 characters, letters, digits, "_" or "-"');
export type NodeId = z.infer<typeof NodeId>;

export const Duration = z
  .string()
  .refine((text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms > 0;
  }, 'duration: a positive amount and a unit, e.g. "90 minutes", "1 hour", "24h", "4 days", "2 weeks"');
export type Duration = z.infer<typeof Duration>;

/** A duration that may be negative ("-2 days"): an offset from a date. */
export const SignedDuration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, 'offset: an amount and a unit, e.g. "-2 days", "9 hours"');

/** A dotted path into what is tested: `properties.cart_id` on an event, `plan` on traits. */
export const DottedPath = z.string().regex(/^[^.\s]+(?:\.[^.\s]+)*$/, 'path: a dotted path such as "properties.cart_id"');

export const JourneyFilterOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'contains']);
export type JourneyFilterOp = z.infer<typeof JourneyFilterOp>;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const OperandValue = z.union([Scalar, z.array(Scalar)]);

interface Operand {
  op: JourneyFilterOp;
  value?: unknown;
}

function checkOperand<T extends Operand>({ op, value }: T, ctx: z.core.$RefinementCtx<T>): void {
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
  switch (op) {
    case 'eq':
    case 'neq':
    case 'contains':
      if (value === undefined || Array.isArray(value)) issue(`"${op}" needs a single value (string, number, boolean or null)`);
      return;
    case 'in':
      if (!Array.isArray(value) || value.length === 0) issue('"in" needs a non-empty array of values');
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value !== 'number' && typeof value !== 'string') issue(`"${op}" needs a number or a string (ISO dates compare as text)`);
      return;
    case 'exists':
      if (value !== undefined && typeof value !== 'boolean') issue('"exists" takes true (default) or false, or no value');
      return;
  }
}

/**
 * One test on a dotted path. On events the path starts at the event (`type`, `properties.total`);
 * `eq` is strict (1 ≠ "1"), `contains` is a substring or an array element, `exists: false` means missing.
 */
export const JourneyFilter = z
  .object({ path: DottedPath, op: JourneyFilterOp, value: OperandValue.optional() })
  .superRefine(checkOperand);
export type JourneyFilter = z.infer<typeof JourneyFilter>;

const EventType = z.string().min(1).max(100);

/** An event that matters to the journey: its type, and filters that must all hold. */
export const EventMatch = z.object({
  event: EventType,
  where: z.array(JourneyFilter).optional(),
});
export type EventMatch = z.infer<typeof EventMatch>;

export const JourneyEntry = z.discriminatedUnion('kind', [
  EventMatch.extend({ kind: z.literal('event') }),
  z.object({ kind: z.literal('stage_entered'), stage: LifecycleStage }),
  z.object({
    kind: z.literal('schedule'),
    /** Five-field cron, evaluated in `timezone` (UTC when absent), e.g. "0 9 * * 1" for Mondays at 9. */
    cron: z.string().superRefine((cron, ctx) => {
      const problem = cronProblem(cron);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    timezone: z.string().refine(isTimeZone, 'timezone: an IANA zone such as "Europe/Paris"').optional(),
    /** Who enters on each tick; everyone known when absent. */
    stages: z.array(LifecycleStage).min(1).optional(),
  }),
]);
export type JourneyEntry = z.infer<typeof JourneyEntry>;

/**
 * Ends the run wherever the contact is: a `goal` (an order ends the abandoned cart, as hoped) or an
 * `exit` (an unsubscribe ends it, not as hoped). With `sameEntryKey`, only the event of the run's own
 * cart or order counts.
 */
export const ExitCriterion = EventMatch.extend({
  name: z.string().min(1).max(100),
  outcome: z.enum(['goal', 'exit']),
  sameEntryKey: z.boolean().optional(),
});
export type ExitCriterion = z.infer<typeof ExitCriterion>;

export const ReEntryPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('never') }),
  z.object({ policy: z.literal('after_exit') }),
  z.object({ policy: z.literal('cooldown'), cooldown: Duration }),
]);
export type ReEntryPolicy = z.infer<typeof ReEntryPolicy>;

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

export const DelayWait = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duration'), duration: Duration }),
  z.object({
    kind: z.literal('time_of_day'),
    /** Local time in the contact's `timezone` trait (`defaultTimezone`, else UTC, when absent). */
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'at: a 24-hour local time "HH:MM"'),
    weekdays: z.array(Weekday).min(1).optional(),
    defaultTimezone: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal('until_date_trait'),
    /** A trait holding an ISO date or date-time (a birthday, a renewal date, a delivery date). */
    trait: z.string().min(1),
    offset: SignedDuration.optional(),
    /**
     * Every year on the trait's month and day (a birthday, a customer anniversary), at this local
     * time in the contact's `timezone` trait (`defaultTimezone`, else UTC, when absent); the year in
     * the trait does not matter. Without it, the wait is for the trait's own moment, once.
     */
    annual: z
      .object({
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'at: a 24-hour local time "HH:MM"'),
        defaultTimezone: z.string().min(1).optional(),
      })
      .optional(),
  }),
]);
export type DelayWait = z.infer<typeof DelayWait>;

/** A condition a branch tests; all conditions of a `when` list must hold. */
export const BranchCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trait'), trait: DottedPath, op: JourneyFilterOp, value: OperandValue.optional() }).superRefine(checkOperand),
  z
    .object({ kind: z.literal('score'), score: z.enum(['engagement', 'fit_points', 'fit_grade']), op: JourneyFilterOp, value: OperandValue.optional() })
    .superRefine(checkOperand),
  z.object({ kind: z.literal('stage'), op: z.enum(['eq', 'neq', 'in']), value: z.union([LifecycleStage, z.array(LifecycleStage).min(1)]) }),
  /** Whether the contact did (or, with `seen: false`, did not) send such an event since entering the journey. */
  z.object({ kind: z.literal('event_seen'), event: EventType, seen: z.boolean().default(true) }),
  /** On the event that ended the last wait (a survey answer's score). */
  z.object({ kind: z.literal('last_event'), path: DottedPath, op: JourneyFilterOp, value: OperandValue.optional() }).superRefine(checkOperand),
]);
export type BranchCondition = z.infer<typeof BranchCondition>;

const next = NodeId;

export const SendEmailNode = z.object({
  type: z.literal('send_email'),
  template: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, 'template: a file name under templates/, without .mjml'),
  topic: z.string().min(1).optional(),
  category: z.enum(['marketing', 'transactional']).default('marketing'),
  sender: z.string().min(3).optional(),
  next,
});

export const DelayNode = z.object({ type: z.literal('delay'), wait: DelayWait, next });

export const WaitForEventNode = EventMatch.extend({
  type: z.literal('wait_for_event'),
  /** Only an event of the run's own cart or order (the entry key) counts. */
  sameEntryKey: z.boolean().optional(),
  timeout: Duration,
  next,
  onTimeout: NodeId,
});

export const BranchNode = z.object({
  type: z.literal('branch'),
  /** Tested in order; the first whose conditions all hold wins. */
  conditions: z.array(z.object({ when: z.array(BranchCondition).min(1), next })).min(1),
  default: NodeId,
});

export const RandomSplitNode = z.object({
  type: z.literal('random_split'),
  /** A contact always lands in the same arm: the pick hashes contact, journey and node. */
  branches: z.array(z.object({ weight: z.number().positive(), next })).min(2),
});

export const SetStageNode = z.object({ type: z.literal('set_stage'), stage: LifecycleStage, next });

export const SetTraitNode = z.object({
  type: z.literal('set_trait'),
  trait: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'trait: a name such as "marketing_paused"'),
  value: z.unknown(),
  next,
});

// Two forms, both valid forever: terms of the node's own (discount, validityDays, category: the
// only form before campaigns), or `campaign`, whose terms, codes and report the coupon then shares.
export const IssueCouponNode = z
  .object({
    type: z.literal('issue_coupon'),
    /** The coupon campaign the code is drawn from (POST /v1/coupon-campaigns). */
    campaign: CampaignId.optional(),
    discount: CouponDiscount.optional(),
    validityDays: z.number().int().positive().max(3650).optional(),
    /** Product category the coupon applies to (cross-sell); every product when absent. */
    category: z.string().min(1).optional(),
    next,
  })
  .superRefine((node, ctx) => {
    if (node.campaign !== undefined) {
      for (const key of ['discount', 'validityDays', 'category'] as const) {
        if (node[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `the campaign "${node.campaign}" sets it: remove ${key} or campaign` });
      }
      return;
    }
    if (node.discount === undefined) ctx.addIssue({ code: 'custom', path: ['discount'], message: 'required, unless the node names a campaign' });
    if (node.validityDays === undefined) ctx.addIssue({ code: 'custom', path: ['validityDays'], message: 'required, unless the node names a campaign' });
  });

export const HandOffNode = z.object({ type: z.literal('hand_off'), reason: z.string().min(1).max(500), next });

export const WebhookNode = z.object({
  type: z.literal('webhook'),
  url: z.string().regex(/^https?:\/\/[^\s]+$/, 'url: http(s)://...'),
  /** JSON sent as the body; string values may hold Liquid (`{{ contact.id }}`, `{{ coupon.code }}`). */
  body: z.record(z.string(), z.unknown()).default({}),
  next,
});

export const ExitNode = z.object({ type: z.literal('exit') });

export const JourneyNode = z.discriminatedUnion('type', [
  SendEmailNode,
  DelayNode,
  WaitForEventNode,
  BranchNode,
  RandomSplitNode,
  SetStageNode,
  SetTraitNode,
  IssueCouponNode,
  HandOffNode,
  WebhookNode,
  ExitNode,
]);
export type JourneyNode = z.infer<typeof JourneyNode>;
export type JourneyNodeType = JourneyNode['type'];
export type NodeOfType<T extends JourneyNodeType> = Extract<JourneyNode, { type: T }>;

export const JourneyDefinitionV1 = z.object({
  schemaVersion: z.literal(1),
  id: JourneyId,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  entry: JourneyEntry,
  /** Event path whose value keys the run (`properties.cart_id`): each cart runs its own instance. */
  entryKey: DottedPath.optional(),
  exits: z.array(ExitCriterion).default([]),
  reEntry: ReEntryPolicy.default({ policy: 'after_exit' }),
  maxConcurrentRunsPerContact: z.number().int().positive().max(100).default(1),
  start: NodeId,
  nodes: z.record(NodeId, JourneyNode),
});

export const JourneyDefinition = JourneyDefinitionV1;
/** The parsed definition (defaults applied): what a workflow input carries. */
export type JourneyDefinition = z.infer<typeof JourneyDefinitionV1>;
/** What a marketer writes (defaults may be left out). */
export type JourneyDefinitionInput = z.input<typeof JourneyDefinitionV1>;

export interface DefinitionIssue {
  /** The node the problem is in, or `(journey)` for the journey as a whole. */
  nodeId: string;
  reason: string;
  /** The field inside the node (`wait.duration`) or the journey (`entry.event`), when one field is at fault: editors show the reason next to it. */
  field?: string;
}
