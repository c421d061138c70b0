import { z } from 'zod';

// A scoring model is a versioned document: ledgers and cap states record the (id, version) they were
// computed with, and a change of rules means a new version and a re-scoring job, never an edit in place.

/** A rule id is persisted in every ledger line: keep it short, stable and free of spaces. */
export const RuleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'rule id: 1–100 characters, letters, digits, "_", ".", ":" or "-"');
export type RuleId = z.infer<typeof RuleId>;

export const FilterOp = z.enum(['eq', 'neq', 'in', 'contains', 'startsWith', 'gt', 'gte', 'lt', 'lte', 'exists']);
export type FilterOp = z.infer<typeof FilterOp>;

export const FilterScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type FilterScalar = z.infer<typeof FilterScalar>;

export const FilterValue = z.union([FilterScalar, z.array(FilterScalar)]);
export type FilterValue = z.infer<typeof FilterValue>;

interface Operand {
  op: FilterOp;
  value?: FilterValue | undefined;
}

/** Each operator takes one shape of operand; a wrong one is a model error, not a silent non-match. */
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
    case 'startsWith':
      if (typeof value !== 'string' || value === '') issue('"startsWith" needs a non-empty string');
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value !== 'number' && typeof value !== 'string') {
        issue(`"${op}" needs a number (or a string, compared in code-unit order, e.g. ISO dates)`);
      }
      return;
    case 'exists':
      if (value !== undefined && typeof value !== 'boolean') issue('"exists" takes true (default) or false, or no value');
      return;
  }
}

/** A condition on an event property; `property` is a dotted path into `event.properties`. */
export const PropertyFilter = z
  .object({
    property: z
      .string()
      .regex(/^[^.\s]+(?:\.[^.\s]+)*$/, 'property: a dotted path such as "path" or "utm.source"'),
    op: FilterOp,
    value: FilterValue.optional(),
    /** String comparisons (eq, neq, in, contains, startsWith) ignore case. */
    ignoreCase: z.boolean().optional(),
  })
  .superRefine(checkOperand);
export type PropertyFilter = z.infer<typeof PropertyFilter>;

export const CapPeriod = z.enum(['hour', 'day', 'week', 'month']);
export type CapPeriod = z.infer<typeof CapPeriod>;

/**
 * At most `points` per rule per UTC period: hour, day, ISO week (Monday 00:00 UTC), calendar month,
 * or `{ days: n }` — fixed n-day windows counted from 1970-01-01 UTC.
 */
export const Cap = z.object({
  points: z.number().positive(),
  per: z.union([CapPeriod, z.object({ days: z.number().int().positive() })]),
});
export type Cap = z.infer<typeof Cap>;

const RulePoints = z.number().refine((n) => n !== 0, 'points must not be 0 (a rule that scores nothing is a mistake)');

export const EngagementRule = z.object({
  id: RuleId,
  /** Shown to marketers and sales as the reason of each point ("Viewed a pricing page"). */
  description: z.string().min(1).optional(),
  /** Event type, e.g. `page_viewed`. */
  event: z.string().min(1),
  /** All filters must hold. */
  where: z.array(PropertyFilter).optional(),
  /** Points per matching event; negative points lower the score (e.g. careers pages). */
  points: RulePoints,
  cap: Cap.optional(),
});
export type EngagementRule = z.infer<typeof EngagementRule>;

export const FitRule = z
  .object({
    id: RuleId,
    description: z.string().min(1).optional(),
    /** Trait name, e.g. `jobTitle`, `companySize`. */
    trait: z.string().min(1),
    op: FilterOp,
    value: FilterValue.optional(),
    ignoreCase: z.boolean().optional(),
    points: RulePoints,
    /**
     * Rules sharing a group are alternatives (seniority tiers, company-size bands): only the first
     * matching rule of the group, in model order, counts.
     */
    group: z.string().min(1).optional(),
  })
  .superRefine(checkOperand);
export type FitRule = z.infer<typeof FitRule>;

export const FitGrade = z.enum(['A', 'B', 'C', 'D']);
export type FitGrade = z.infer<typeof FitGrade>;

/** Minimum fit points for each grade; below `C` is `D`. */
export const FitGrades = z
  .object({ A: z.number(), B: z.number(), C: z.number() })
  .superRefine((grades, ctx) => {
    if (grades.B >= grades.A) {
      ctx.addIssue({ code: 'custom', path: ['B'], message: `grade B threshold (${grades.B}) must be lower than A (${grades.A})` });
    }
    if (grades.C >= grades.B) {
      ctx.addIssue({ code: 'custom', path: ['C'], message: `grade C threshold (${grades.C}) must be lower than B (${grades.B})` });
    }
  });
export type FitGrades = z.infer<typeof FitGrades>;

export const MqlThreshold = z
  .object({
    engagementAtLeast: z.number().nonnegative().default(50),
    fitAtLeast: FitGrade.default('B'),
    /**
     * An MQL goes back to lead when engagement falls under this (defaults to `engagementAtLeast`);
     * set it lower to stop a contact hovering at the threshold from flapping between stages.
     */
    demoteBelow: z.number().nonnegative().optional(),
  })
  .superRefine((mql, ctx) => {
    if (mql.demoteBelow !== undefined && mql.demoteBelow > mql.engagementAtLeast) {
      ctx.addIssue({
        code: 'custom',
        path: ['demoteBelow'],
        message: `demoteBelow (${mql.demoteBelow}) must not exceed engagementAtLeast (${mql.engagementAtLeast})`,
      });
    }
  });
export type MqlThreshold = z.infer<typeof MqlThreshold>;

export const ScoringModel = z
  .object({
    id: z.string().min(1),
    version: z.number().int().positive(),
    name: z.string().optional(),
    /** Engagement points halve every `halfLifeDays`. */
    halfLifeDays: z.number().positive().default(30),
    /** Engagement older than this no longer counts at all. */
    windowDays: z.number().positive().default(90),
    engagement: z.object({ rules: z.array(EngagementRule) }),
    fit: z.object({
      rules: z.array(FitRule),
      grades: FitGrades.default({ A: 60, B: 40, C: 20 }),
    }),
    lifecycle: z
      .object({ mql: MqlThreshold.default({ engagementAtLeast: 50, fitAtLeast: 'B' }) })
      .default({ mql: { engagementAtLeast: 50, fitAtLeast: 'B' } }),
  })
  .superRefine((model, ctx) => {
    // Rule ids key ledger lines and cap buckets across both axes, so they are unique model-wide.
    const seen = new Map<string, string>();
    const check = (axis: 'engagement' | 'fit', rules: readonly { id: string }[]) => {
      rules.forEach((rule, index) => {
        const where = `${axis}.rules[${index}]`;
        const first = seen.get(rule.id);
        if (first === undefined) {
          seen.set(rule.id, where);
        } else {
          ctx.addIssue({
            code: 'custom',
            path: [axis, 'rules', index, 'id'],
            message: `duplicate rule id "${rule.id}" (first used by ${first})`,
          });
        }
      });
    };
    check('engagement', model.engagement.rules);
    check('fit', model.fit.rules);
  });
export type ScoringModel = z.infer<typeof ScoringModel>;
/** What an author writes: defaults may be left out. */
export type ScoringModelInput = z.input<typeof ScoringModel>;

export interface ModelIssue {
  /** Path into the document, as zod reports it: `['engagement', 'rules', 2, 'cap', 'points']`. */
  path: (string | number)[];
  /** The same path for people: `engagement.rules[2].cap.points`. */
  at: string;
  message: string;
}

export type ModelValidation = { ok: true; model: ScoringModel } | { ok: false; issues: ModelIssue[] };

export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(model)' : out;
}

/** Parses a model document; expected mistakes come back as data, each with its path. */
export function validateScoringModel(input: unknown): ModelValidation {
  const parsed = ScoringModel.safeParse(input);
  if (parsed.success) return { ok: true, model: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
      return { path, at: formatIssuePath(path), message: issue.message };
    }),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A sensible B2B default. Engagement follows the studies: pricing, product and quote pages weigh
 * most; a quote request qualifies on its own (50 = the MQL threshold); opens weigh least because
 * mailbox privacy proxies open every message; careers-page visitors are job seekers, not buyers.
 * Fit counts seniority, company size, served countries and target sectors; student titles count
 * against.
 */
export const defaultScoringModel: ScoringModel = deepFreeze(
  ScoringModel.parse({
    id: 'b2b-default',
    version: 1,
    name: 'B2B default',
    halfLifeDays: 30,
    windowDays: 90,
    engagement: {
      rules: [
        { id: 'page-view', description: 'Viewed a page', event: 'page_viewed', points: 1, cap: { points: 10, per: 'day' } },
        {
          id: 'pricing-page-view',
          description: 'Viewed a pricing page',
          event: 'page_viewed',
          where: [{ property: 'path', op: 'startsWith', value: '/pricing' }],
          points: 5,
          cap: { points: 15, per: 'day' },
        },
        {
          id: 'product-page-view',
          description: 'Viewed a product page',
          event: 'page_viewed',
          where: [{ property: 'path', op: 'startsWith', value: '/product' }],
          points: 3,
          cap: { points: 9, per: 'day' },
        },
        {
          id: 'quote-page-view',
          description: 'Viewed the quote page',
          event: 'page_viewed',
          where: [{ property: 'path', op: 'startsWith', value: '/quote' }],
          points: 5,
          cap: { points: 10, per: 'day' },
        },
        {
          id: 'long-page-view',
          description: 'Spent a minute or more on a page',
          event: 'page_viewed',
          where: [{ property: 'durationSeconds', op: 'gte', value: 60 }],
          points: 2,
          cap: { points: 6, per: 'day' },
        },
        {
          id: 'careers-page-view',
          description: 'Viewed a careers page (job seeker, not a buyer)',
          event: 'page_viewed',
          where: [{ property: 'path', op: 'startsWith', value: '/careers' }],
          points: -10,
          cap: { points: 10, per: 'week' },
        },
        {
          id: 'form-submitted',
          description: 'Submitted a form',
          event: 'form_submitted',
          points: 10,
          cap: { points: 20, per: 'day' },
        },
        {
          id: 'guide-downloaded',
          description: 'Downloaded a guide',
          event: 'form_submitted',
          where: [{ property: 'form', op: 'in', value: ['guide', 'whitepaper', 'ebook'], ignoreCase: true }],
          points: 5,
          cap: { points: 10, per: 'week' },
        },
        {
          id: 'quote-requested',
          description: 'Requested a quote',
          event: 'quote_requested',
          points: 50,
          cap: { points: 50, per: 'week' },
        },
        { id: 'email-opened', description: 'Opened an e-mail', event: 'email_opened', points: 1, cap: { points: 3, per: 'day' } },
        { id: 'email-clicked', description: 'Clicked a link in an e-mail', event: 'email_clicked', points: 3, cap: { points: 9, per: 'day' } },
        { id: 'cart-updated', description: 'Added to or changed a cart', event: 'cart_updated', points: 5, cap: { points: 10, per: 'day' } },
        { id: 'content-shared', description: 'Shared content', event: 'content_shared', points: 3, cap: { points: 9, per: 'week' } },
        { id: 'store-visited', description: 'Visited a store', event: 'store_visited', points: 10, cap: { points: 10, per: 'day' } },
      ],
    },
    fit: {
      rules: [
        { id: 'title-chief', trait: 'jobTitle', op: 'contains', value: 'chief', ignoreCase: true, points: 30, group: 'seniority' },
        { id: 'title-ceo', trait: 'jobTitle', op: 'in', value: ['CEO', 'CTO', 'CFO', 'CMO', 'COO', 'CIO'], ignoreCase: true, points: 30, group: 'seniority' },
        { id: 'title-founder', trait: 'jobTitle', op: 'contains', value: 'founder', ignoreCase: true, points: 30, group: 'seniority' },
        { id: 'title-vp', trait: 'jobTitle', op: 'contains', value: 'vice president', ignoreCase: true, points: 25, group: 'seniority' },
        { id: 'title-vp-short', trait: 'jobTitle', op: 'startsWith', value: 'VP', ignoreCase: true, points: 25, group: 'seniority' },
        { id: 'title-head', trait: 'jobTitle', op: 'contains', value: 'head of', ignoreCase: true, points: 20, group: 'seniority' },
        // "direct" covers director and the French directeur/directrice.
        { id: 'title-director', trait: 'jobTitle', op: 'contains', value: 'direct', ignoreCase: true, points: 20, group: 'seniority' },
        { id: 'title-manager', trait: 'jobTitle', op: 'contains', value: 'manager', ignoreCase: true, points: 10, group: 'seniority' },
        { id: 'title-student', trait: 'jobTitle', op: 'contains', value: 'student', ignoreCase: true, points: -30 },
        { id: 'company-1000', trait: 'companySize', op: 'gte', value: 1000, points: 25, group: 'company-size' },
        { id: 'company-200', trait: 'companySize', op: 'gte', value: 200, points: 20, group: 'company-size' },
        { id: 'company-50', trait: 'companySize', op: 'gte', value: 50, points: 15, group: 'company-size' },
        { id: 'company-10', trait: 'companySize', op: 'gte', value: 10, points: 5, group: 'company-size' },
        { id: 'country-served', trait: 'country', op: 'in', value: ['FR', 'BE', 'CH', 'LU', 'CA'], ignoreCase: true, points: 10 },
        {
          id: 'sector-target',
          trait: 'sector',
          op: 'in',
          value: ['software', 'manufacturing', 'retail', 'wholesale', 'financial services'],
          ignoreCase: true,
          points: 15,
        },
      ],
      grades: { A: 60, B: 40, C: 20 },
    },
    lifecycle: { mql: { engagementAtLeast: 50, fitAtLeast: 'B' } },
  } satisfies ScoringModelInput),
);
