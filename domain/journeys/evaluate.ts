// What the journey interpreter decides, as pure functions of data and time: which event matches,
// which branch wins, which arm of a split a contact lands in, when a local-time delay ends.
// Imported by the workflow, so: no I/O, no clock (time is an argument), no zod at run time.
import { compilePathGetter, compileValuePredicate } from '../scoring/filter.js';
import type { BranchCondition, EventMatch, JourneyFilter, JourneyFilterOp, Weekday } from './definition.js';
import { isTimeZone, wallClock, zoneOffsetMs } from '../time-zone.js';

export function readPath(source: unknown, path: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  return compilePathGetter(path)(source as Record<string, unknown>);
}

function holds(op: JourneyFilterOp, expected: unknown, actual: unknown): boolean {
  return compileValuePredicate({ op, value: expected as never })(actual);
}

export function filterHolds(filter: JourneyFilter, source: unknown): boolean {
  return holds(filter.op, filter.value, readPath(source, filter.path));
}

export interface MatchableEvent {
  type: string;
  properties: Record<string, unknown>;
  occurredAt?: string;
}

/** An event matches when its type is the one named and every filter (paths from the event: `properties.total`) holds. */
export function eventMatches(match: EventMatch, event: MatchableEvent): boolean {
  if (event.type !== match.event) return false;
  return (match.where ?? []).every((filter) => filterHolds(filter, event));
}

/** The entry key an event carries for a journey keyed by `path` (a cart id), as text. */
export function entryKeyOf(path: string | undefined, event: MatchableEvent): string | undefined {
  if (path === undefined) return undefined;
  const value = readPath(event, path);
  return value === undefined || value === null ? undefined : String(value);
}

/** What a branch needs to know about the contact; loaded by an activity, only what the conditions ask. */
export interface ContactFacts {
  traits: Record<string, unknown>;
  stage?: string;
  engagement?: number;
  fitPoints?: number;
  fitGrade?: string;
  /** Per event type asked: whether the contact sent one since entering the journey. */
  eventsSeen: Record<string, boolean>;
}

export interface FactsRequest {
  traits: string[];
  stage: boolean;
  score: boolean;
  eventTypes: string[];
}

/** The facts a list of branch conditions reads, so the activity loads nothing else (`last_event` needs none). */
export function factsNeeded(conditions: readonly BranchCondition[]): FactsRequest {
  const traits = new Set<string>();
  const eventTypes = new Set<string>();
  let stage = false;
  let score = false;
  for (const condition of conditions) {
    switch (condition.kind) {
      case 'trait':
        traits.add(condition.trait.split('.')[0] as string);
        break;
      case 'score':
        score = true;
        break;
      case 'stage':
        stage = true;
        break;
      case 'event_seen':
        eventTypes.add(condition.event);
        break;
      case 'last_event':
        break;
    }
  }
  return { traits: [...traits], stage, score, eventTypes: [...eventTypes] };
}

export function needsFacts(request: FactsRequest): boolean {
  return request.traits.length > 0 || request.stage || request.score || request.eventTypes.length > 0;
}

export function conditionHolds(condition: BranchCondition, facts: ContactFacts, lastEvent: MatchableEvent | undefined): boolean {
  switch (condition.kind) {
    case 'trait':
      return holds(condition.op, condition.value, readPath(facts.traits, condition.trait));
    case 'score': {
      const actual = condition.score === 'engagement' ? facts.engagement : condition.score === 'fit_points' ? facts.fitPoints : facts.fitGrade;
      return holds(condition.op, condition.value, actual);
    }
    case 'stage':
      if (condition.op === 'in') return Array.isArray(condition.value) && condition.value.includes(facts.stage as never);
      return condition.op === 'eq' ? facts.stage === condition.value : facts.stage !== condition.value;
    case 'event_seen':
      return (facts.eventsSeen[condition.event] ?? false) === condition.seen;
    case 'last_event':
      return lastEvent !== undefined && holds(condition.op, condition.value, readPath(lastEvent, condition.path));
  }
}

/** The first arm whose conditions all hold, else the default. */
export function chooseBranch(
  arms: readonly { when: readonly BranchCondition[]; next: string }[],
  fallback: string,
  facts: ContactFacts,
  lastEvent: MatchableEvent | undefined,
): string {
  for (const arm of arms) if (arm.when.every((condition) => conditionHolds(condition, facts, lastEvent))) return arm.next;
  return fallback;
}

/** FNV-1a, 32 bits: stable across processes and versions, unlike anything seeded. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A contact always lands in the same arm of a split (a replay, a re-entry, a second run). */
export function pickSplitArm(contactId: string, journeyId: string, nodeId: string, weights: readonly number[]): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const point = (fnv1a(`${contactId}:${journeyId}:${nodeId}`) / 0x1_0000_0000) * total;
  let upTo = 0;
  for (let arm = 0; arm < weights.length; arm += 1) {
    upTo += weights[arm] as number;
    if (point < upTo) return arm;
  }
  return weights.length - 1;
}

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_MS = 86_400_000;

function validTimeZone(timeZone: string | undefined): string | undefined {
  return timeZone !== undefined && isTimeZone(timeZone) ? timeZone : undefined;
}

/** The instant a local wall-clock time occurs in a zone (the later reading when a DST jump makes it ambiguous). */
function instantOf(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let guess = asUtc - zoneOffsetMs(asUtc, timeZone);
  guess = asUtc - zoneOffsetMs(guess, timeZone);
  return guess;
}

/**
 * The next moment, strictly after `nowMs`, that it is `at` ("09:30") in the time zone on one of the
 * allowed weekdays. An unknown zone falls back to UTC rather than failing the journey.
 */
export function nextLocalTime(nowMs: number, at: string, timeZone: string | undefined, weekdays?: readonly Weekday[]): number {
  const zone = validTimeZone(timeZone) ?? 'UTC';
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  const today = wallClock(nowMs, zone);
  for (let offset = 0; offset <= 8; offset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day) + offset * DAY_MS);
    const weekday = WEEKDAYS[date.getUTCDay()] as Weekday;
    if (weekdays !== undefined && !weekdays.includes(weekday)) continue;
    const instant = instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, zone);
    if (instant > nowMs) return instant;
  }
  // Unreachable with a non-empty weekday list; a week from now keeps the journey moving regardless.
  return nowMs + 7 * DAY_MS;
}

/**
 * The next anniversary of a date trait after `nowMs`: its month and day at `at` local time in the
 * zone, this year or next. A 29 February comes on the 28th in other years. Undefined when the
 * trait holds no date.
 */
export function nextAnniversary(value: unknown, nowMs: number, at: string, timeZone: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(?:\d{4}|-)-(\d{2})-(\d{2})/.exec(value.trim());
  if (match === null) return undefined;
  const [month, day] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const zone = validTimeZone(timeZone) ?? 'UTC';
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  const thisYear = wallClock(nowMs, zone).year;
  for (const year of [thisYear, thisYear + 1]) {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const instant = instantOf(year, month, Math.min(day, lastDay), hour, minute, zone);
    if (instant > nowMs) return instant;
  }
  return undefined;
}

/** The moment a date trait (± offset) names, or undefined when the trait holds no date. */
export function dateTraitTarget(value: unknown, offsetMs: number): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms + offsetMs : undefined;
}
