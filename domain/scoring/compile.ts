import { compileValuePredicate, compileWhere, describeFilter } from './filter.js';
import type { PropertiesPredicate, ValuePredicate } from './filter.js';
import { ScoringModel, formatIssuePath } from './model.js';
import type { Cap } from './model.js';
import { DAY_MS, dayBucket, daysBucket, hourBucket, monthBucket, weekBucket } from './time.js';
import type { BucketOf } from './time.js';

export interface CompiledCap {
  readonly points: number;
  readonly bucketOf: BucketOf;
  /** "10 points per day" */
  readonly label: string;
}

export interface CompiledEngagementRule {
  readonly id: string;
  readonly event: string;
  readonly points: number;
  /** `|points|`: caps bound the magnitude, so negative rules are capped too. */
  readonly magnitude: number;
  readonly sign: 1 | -1;
  /** null when the rule has no filters. */
  readonly test: PropertiesPredicate | null;
  readonly cap: CompiledCap | null;
  /** Position among the capped rules (its counters in a state), -1 when uncapped. */
  readonly slot: number;
  readonly reason: string;
  /** Reason of a contribution clipped by the cap. */
  readonly cappedReason: string;
}

export interface CompiledFitRule {
  readonly id: string;
  readonly trait: string;
  readonly points: number;
  readonly group: string | null;
  readonly test: ValuePredicate;
}

/**
 * A model prepared for scoring: engagement rules indexed by event type with filters as closures,
 * so scoring an event costs a map lookup plus the rules of its type. Compile once per model
 * version and share it; it is immutable.
 */
export interface CompiledScoringModel {
  readonly compiled: true;
  readonly model: ScoringModel;
  readonly id: string;
  readonly version: number;
  readonly windowMs: number;
  readonly halfLifeMs: number;
  readonly rulesByEvent: ReadonlyMap<string, readonly CompiledEngagementRule[]>;
  /** The capped engagement rules in model order; a rule's index here is its `slot`. */
  readonly cappedRules: readonly CompiledEngagementRule[];
  readonly fitRules: readonly CompiledFitRule[];
}

function compileCap(cap: Cap): CompiledCap {
  const { per } = cap;
  const unit = cap.points === 1 ? 'point' : 'points';
  if (typeof per === 'object') {
    return { points: cap.points, bucketOf: daysBucket(per.days), label: `${cap.points} ${unit} per ${per.days} days` };
  }
  const bucketOf = { hour: hourBucket, day: dayBucket, week: weekBucket, month: monthBucket }[per];
  return { points: cap.points, bucketOf, label: `${cap.points} ${unit} per ${per}` };
}

/** Validates (the type does not prove unique ids or operand shapes) and compiles a model. */
export function compileScoringModel(model: ScoringModel): CompiledScoringModel {
  const parsed = ScoringModel.safeParse(model);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`)
      .join('; ');
    throw new TypeError(`invalid scoring model ${model.id}@${model.version}: ${issues}`);
  }
  const valid = parsed.data;

  const rulesByEvent = new Map<string, CompiledEngagementRule[]>();
  const cappedRules: CompiledEngagementRule[] = [];
  for (const rule of valid.engagement.rules) {
    const base =
      rule.description ??
      (rule.where !== undefined && rule.where.length > 0
        ? `${rule.event} where ${rule.where.map(describeFilter).join(' and ')}`
        : rule.event);
    const cap = rule.cap === undefined ? null : compileCap(rule.cap);
    const compiled: CompiledEngagementRule = Object.freeze({
      id: rule.id,
      event: rule.event,
      points: rule.points,
      magnitude: Math.abs(rule.points),
      sign: rule.points < 0 ? -1 : 1,
      test: compileWhere(rule.where),
      cap,
      slot: cap === null ? -1 : cappedRules.length,
      reason: base,
      cappedReason: cap === null ? base : `${base} (capped at ${cap.label})`,
    });
    if (cap !== null) cappedRules.push(compiled);
    const list = rulesByEvent.get(rule.event);
    if (list === undefined) rulesByEvent.set(rule.event, [compiled]);
    else list.push(compiled);
  }

  const fitRules = valid.fit.rules.map(
    (rule): CompiledFitRule =>
      Object.freeze({
        id: rule.id,
        trait: rule.trait,
        points: rule.points,
        group: rule.group ?? null,
        test: compileValuePredicate(rule),
      }),
  );

  return Object.freeze({
    compiled: true,
    model: valid,
    id: valid.id,
    version: valid.version,
    windowMs: valid.windowDays * DAY_MS,
    halfLifeMs: valid.halfLifeDays * DAY_MS,
    rulesByEvent,
    cappedRules: Object.freeze(cappedRules),
    fitRules: Object.freeze(fitRules),
  });
}

export type AnyScoringModel = ScoringModel | CompiledScoringModel;

// Functions also accept a plain model for convenience; compiling it once per model object keeps
// that path cheap without making callers hold the compiled form.
const cache = new WeakMap<ScoringModel, CompiledScoringModel>();

export function resolveModel(model: AnyScoringModel): CompiledScoringModel {
  if ('compiled' in model) return model;
  let compiled = cache.get(model);
  if (compiled === undefined) {
    compiled = compileScoringModel(model);
    cache.set(model, compiled);
  }
  return compiled;
}
