import { z } from 'zod';
import { resolveModel } from './compile.js';
import type { AnyScoringModel, CompiledCap, CompiledEngagementRule, CompiledScoringModel } from './compile.js';
import { parseIsoMs } from './time.js';

/** What the scorer needs of an event; the event store's richer envelope satisfies it. */
export const ScoringEvent = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  properties: z.record(z.string(), z.unknown()),
});
export type ScoringEvent = z.infer<typeof ScoringEvent>;

/**
 * One line of the engagement ledger: the points one rule gave one event, before decay. Caps are
 * already applied: a clipped line carries the partial points and says so in its reason. Events a
 * full cap gave nothing are not recorded — the ledger lists only points that count.
 */
export const Contribution = z.object({
  eventId: z.string(),
  ruleId: z.string(),
  points: z.number(),
  occurredAt: z.string(),
  reason: z.string(),
});
export type Contribution = z.infer<typeof Contribution>;

/**
 * The per-contact state the incremental scorer keeps between events: when the newest event
 * happened and the cap counters. Small and fixed-size, so the ingestion path stores it beside the
 * contact (`encodeScoringState`); it belongs to one model version (`modelId`, `modelVersion`).
 *
 * `counters` is one flat array of numbers because scoring reads it on nearly every event, across
 * many contacts: one array of unboxed doubles is one or two memory fetches, where a map of
 * per-rule arrays (or a number field, which V8 boxes) costs several. Layout:
 * - `[0]` epoch ms of the newest event scored (0 before the first);
 * - then four numbers per capped rule, in model order (`compiled.cappedRules`): its current cap
 *   period, the points used in it, the period before, the points used in that one. Periods are
 *   bucket indices (see `time.ts`); `used` is a magnitude, so negative rules are capped alike.
 *   Keeping the previous period makes the common late event exact: the one that crossed midnight
 *   on its way in.
 */
export interface ScoringState {
  modelId: string;
  modelVersion: number;
  /** Id of the newest event scored, which breaks ties within a millisecond; '' before the first. */
  lastEventId: string;
  counters: number[];
  /**
   * Set when a late event fell in a cap period older than the two the state keeps: it was not
   * scored, and the ledger should be rebuilt with `scoreEvents` (the re-scoring job's path).
   */
  needsRescore: boolean;
}

/**
 * A state as stored beside its contact: the same facts in about a third of the text, since the
 * ingestion path writes one per contact of every batch and reads it back with the next. Only the
 * cap slots that have been used are listed (slot index, then its four counters), the flag only when
 * set; a contact of the default model who only views pages stores one slot of fourteen.
 */
export interface StoredScoringState {
  model: string;
  version: number;
  last: string;
  at: number;
  caps: number[];
  rescore?: true;
}

const UNUSED_SLOT = [-1, 0, -2, 0] as const;

export function encodeScoringState(state: ScoringState): StoredScoringState {
  const { counters } = state;
  const caps: number[] = [];
  for (let slot = 0, at = 1; at < counters.length; slot++, at += 4) {
    if (counters[at] === UNUSED_SLOT[0] && counters[at + 1] === 0 && counters[at + 2] === UNUSED_SLOT[2] && counters[at + 3] === 0) continue;
    caps.push(slot, counters[at]!, counters[at + 1]!, counters[at + 2]!, counters[at + 3]!);
  }
  const stored: StoredScoringState = { model: state.modelId, version: state.modelVersion, last: state.lastEventId, at: counters[0] ?? 0, caps };
  if (state.needsRescore) stored.rescore = true;
  return stored;
}

/**
 * The state `encodeScoringState` stored, if it is one for this very model; undefined otherwise (not
 * a state, another model or version, a slot the model does not have), and the caller re-scores the
 * contact from its events. Checked by hand rather than by a schema: the ingestion path decodes one
 * per contact of a batch.
 */
export function decodeScoringState(value: unknown, model: AnyScoringModel): ScoringState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { model: modelId, version, last, at, caps, rescore } = value as Record<string, unknown>;
  const compiled = resolveModel(model);
  if (modelId !== compiled.id || version !== compiled.version || typeof last !== 'string') return undefined;
  if (typeof at !== 'number' || !Number.isFinite(at) || !Array.isArray(caps) || caps.length % 5 !== 0) return undefined;
  if (rescore !== undefined && rescore !== true) return undefined;
  const state = createScoringState(compiled);
  const { counters } = state;
  counters[0] = at;
  for (let i = 0; i < caps.length; i += 5) {
    const slot = caps[i] as unknown;
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= compiled.cappedRules.length) return undefined;
    for (let k = 1; k <= 4; k++) {
      const counter = caps[i + k] as unknown;
      if (typeof counter !== 'number' || !Number.isFinite(counter)) return undefined;
      counters[slot * 4 + k] = counter;
    }
  }
  state.lastEventId = last;
  state.needsRescore = rescore === true;
  return state;
}

export function createScoringState(model: AnyScoringModel): ScoringState {
  const compiled = resolveModel(model);
  // A fractional first value makes V8 store the array as unboxed doubles from the start, instead
  // of converting it (and moving it in memory) on the first event.
  const counters: number[] = [0.5];
  counters[0] = 0;
  // "Nothing used in periods -1 and -2" is a true statement about 1969: no special case needed.
  for (let slot = 0; slot < compiled.cappedRules.length; slot++) counters.push(-1, 0, -2, 0);
  return { modelId: compiled.id, modelVersion: compiled.version, lastEventId: '', counters, needsRescore: false };
}

const EPSILON = 1e-9;

function roundPoints(points: number): number {
  return Math.round(points * 1e6) / 1e6;
}

/**
 * Grants the rule's points, or what is left of them, from its cap for the period of `ms`; returns
 * the magnitude granted, or -1 when the period is older than the two the state keeps.
 */
function takeFromCap(counters: number[], rule: CompiledEngagementRule, cap: CompiledCap, ms: number): number {
  const bucket = cap.bucketOf(ms);
  const at = 1 + rule.slot * 4;
  const current = counters[at] ?? -1;
  let usedAt = at + 1;
  if (bucket > current) {
    counters[at + 2] = current;
    counters[at + 3] = counters[at + 1] ?? 0;
    counters[at] = bucket;
    counters[at + 1] = 0;
  } else if (bucket < current) {
    if (bucket !== counters[at + 2]) return -1;
    usedAt = at + 3;
  }
  const used = counters[usedAt] ?? 0;
  const room = cap.points - used;
  if (room <= EPSILON) return 0;
  const granted = rule.magnitude <= room ? rule.magnitude : roundPoints(room);
  counters[usedAt] = used + granted;
  return granted;
}

/**
 * The scorer's order of events: occurredAt, then id in code-unit order, so events of the same
 * millisecond are ordered alike by every caller (and one is never taken for a late event).
 */
function scoringOrder(ms: number, id: string, thanMs: number, thanId: string): number {
  return ms - thanMs || (id < thanId ? -1 : id > thanId ? 1 : 0);
}

function newer(ms: number, id: string, thanMs: number, thanId: string): boolean {
  return scoringOrder(ms, id, thanMs, thanId) > 0;
}

function occurredMs(event: ScoringEvent): number {
  const ms = parseIsoMs(event.occurredAt);
  if (ms !== ms) throw new RangeError(`event ${event.id}: occurredAt is not an ISO date-time with offset: ${event.occurredAt}`);
  return ms;
}

function keyedInScoringOrder(events: readonly ScoringEvent[]): { event: ScoringEvent; ms: number }[] {
  const keyed = events.map((event) => ({ event, ms: occurredMs(event) }));
  return keyed.sort((a, b) => scoringOrder(a.ms, a.event.id, b.ms, b.event.id));
}

/** The events in the scorer's order (`scoringOrder`), for a caller feeding them to `scoreEvent` one by one. */
export function inScoringOrder(events: readonly ScoringEvent[]): ScoringEvent[] {
  return keyedInScoringOrder(events).map((entry) => entry.event);
}

/**
 * True when `event` sorts at or before the newest event already scored into `state` (by
 * occurredAt, then id). In-order events get exactly the batch ledger. A late event in one of the
 * two cap periods the state keeps gets the right total per period, though the batch might credit
 * that period's points to a different event of it; a later one is not scored and sets
 * `needsRescore`. A caller that wants the canonical ledger at all times re-scores the contact with
 * `scoreEvents` when this returns true.
 */
export function isLate(state: ScoringState, event: ScoringEvent): boolean {
  if (state.lastEventId === '') return false;
  return !newer(parseIsoMs(event.occurredAt), event.id, state.counters[0] ?? 0, state.lastEventId);
}

const NO_CONTRIBUTIONS: readonly Contribution[] = Object.freeze([]);

/**
 * Scores one event in O(rules of its type), updating `state` in place (cap counters, newest-event
 * mark). Contributions are appended to `into` when given, which is then returned; otherwise a new
 * array is returned (a shared empty one when nothing scored).
 *
 * Not idempotent: the caller scores each event id once. Late events: see `isLate`; one older than
 * the relevance window of the newest event scored gives nothing, as it could not count toward any
 * current score. Throws on a state of another model version and on an unparsable `occurredAt`
 * (validate events with `ScoringEvent` at the boundary).
 */
export function scoreEvent(
  state: ScoringState,
  event: ScoringEvent,
  model: AnyScoringModel,
  into?: Contribution[],
): readonly Contribution[] {
  const compiled = resolveModel(model);
  if (state.modelId !== compiled.id || state.modelVersion !== compiled.version) {
    throw new Error(
      `scoring state of model ${state.modelId}@${state.modelVersion} used with model ${compiled.id}@${compiled.version}: re-score with scoreEvents`,
    );
  }
  const expected = 1 + 4 * compiled.cappedRules.length;
  if (state.counters.length !== expected) {
    throw new Error(`scoring state of model ${state.modelId}@${state.modelVersion} has ${state.counters.length} counters, not ${expected}`);
  }
  return scoreParsed(state, event, occurredMs(event), compiled, into);
}

function scoreParsed(
  state: ScoringState,
  event: ScoringEvent,
  ms: number,
  compiled: CompiledScoringModel,
  into: Contribution[] | undefined,
): readonly Contribution[] {
  const counters = state.counters;
  const lastMs = counters[0] ?? 0;
  if (state.lastEventId === '' || newer(ms, event.id, lastMs, state.lastEventId)) {
    counters[0] = ms;
    state.lastEventId = event.id;
  } else if (ms < lastMs - compiled.windowMs) {
    return into ?? NO_CONTRIBUTIONS;
  }
  const rules = compiled.rulesByEvent.get(event.type);
  if (rules === undefined) return into ?? NO_CONTRIBUTIONS;

  let out = into;
  for (const rule of rules) {
    if (rule.test !== null && !rule.test(event.properties)) continue;
    let points = rule.points;
    let reason = rule.reason;
    const cap = rule.cap;
    if (cap !== null) {
      const granted = takeFromCap(counters, rule, cap, ms);
      if (granted <= 0) {
        if (granted < 0) state.needsRescore = true;
        continue;
      }
      if (granted !== rule.magnitude) {
        points = rule.sign * granted;
        reason = rule.cappedReason;
      }
    }
    if (out === undefined) out = [];
    out.push({ eventId: event.id, ruleId: rule.id, points, occurredAt: event.occurredAt, reason });
  }
  return out ?? NO_CONTRIBUTIONS;
}

/** A contact's engagement scored from scratch: the canonical ledger. */
export interface ScoredHistory {
  /** The events scored, deduplicated by id, in scoring order (occurredAt, then id). */
  events: ScoringEvent[];
  contributions: Contribution[];
  /** Ready for `scoreEvent` to continue with the next events. */
  state: ScoringState;
}

/**
 * Batch scoring, built on `scoreEvent`: events are ordered by occurredAt then id (code-unit order)
 * and replayed from an empty state, so the ledger does not depend on arrival order. Event ids are
 * unique per contact: a repeated id is the same event delivered twice and counts once.
 */
export function scoreEvents(events: readonly ScoringEvent[], model: AnyScoringModel): ScoredHistory {
  const compiled = resolveModel(model);
  const keyed = keyedInScoringOrder(events);

  const state = createScoringState(compiled);
  const contributions: Contribution[] = [];
  const scored: ScoringEvent[] = [];
  const seen = new Set<string>();
  for (const { event, ms } of keyed) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    scored.push(event);
    scoreParsed(state, event, ms, compiled, contributions);
  }
  return { events: scored, contributions, state };
}
