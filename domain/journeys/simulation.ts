// A dry run of a journey before launch: synthetic contacts, each with a stream of the events the
// journey listens for at random times, and the summary a marketer reads (paths taken, e-mails per
// day, exits by goal and by timeout). Pure and seeded: the same arguments give the same streams.
import type { EventMatch, JourneyDefinition, JourneyFilter } from './definition.js';
import { entryKeyOf, filterHolds, type ContactFacts, type FactsRequest } from './evaluate.js';

export interface SimulationOptions {
  contacts: number;
  days: number;
  seed: number;
  /** Chance that a contact sends each event type the journey waits for or exits on (once, at a random time). */
  eventProbability: number;
  /** Entries spread over this many days from the start (the rest of the window lets runs play out). */
  entryWindowDays: number;
}

export interface SyntheticEvent {
  atMs: number;
  eventId: string;
  type: string;
  properties: Record<string, unknown>;
}

export interface SyntheticContact {
  contactId: string;
  entryKey?: string;
  entry: SyntheticEvent;
  /** In time order, all after the entry. */
  events: SyntheticEvent[];
  traits: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** mulberry32: small, fast, good enough to spread synthetic contacts; seeded for reproducible runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  if (parts[0] !== 'properties' || parts.length < 2) return;
  let node = target;
  for (const part of parts.slice(1, -1)) {
    const existing = node[part];
    node = (typeof existing === 'object' && existing !== null ? existing : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

/** A value for a filtered path that sometimes satisfies the filter and sometimes not, so both branches get traffic. */
function valueAround(filter: Pick<JourneyFilter, 'op' | 'value'>, random: () => number): unknown {
  const { op, value } = filter;
  if (op === 'exists') return random() < 0.8 ? Math.floor(random() * 11) : undefined;
  if (op === 'in' && Array.isArray(value)) return value[Math.floor(random() * value.length)];
  if (typeof value === 'number') return Math.max(0, Math.round(value + (random() - 0.5) * 2 * Math.max(3, Math.abs(value) / 2)));
  if (op === 'eq' || op === 'contains') return random() < 0.7 ? value : `other-${Math.floor(random() * 100)}`;
  if (op === 'neq') return random() < 0.3 ? value : `other-${Math.floor(random() * 100)}`;
  return value;
}

/** Filters and `last_event` conditions that read an event of this type, by path. */
function filtersOn(definition: JourneyDefinition, type: string): Map<string, Pick<JourneyFilter, 'op' | 'value'>> {
  const filters = new Map<string, Pick<JourneyFilter, 'op' | 'value'>>();
  const matches: EventMatch[] = [...definition.exits, ...Object.values(definition.nodes).filter((node): node is Extract<typeof node, { type: 'wait_for_event' }> => node.type === 'wait_for_event')];
  for (const match of matches) if (match.event === type) for (const filter of match.where ?? []) filters.set(filter.path, filter);
  // The answer a branch tests comes from the event that ended the wait before it.
  for (const node of Object.values(definition.nodes)) {
    if (node.type !== 'wait_for_event' || node.event !== type) continue;
    const next = definition.nodes[node.next];
    if (next?.type !== 'branch') continue;
    for (const arm of next.conditions) for (const condition of arm.when) if (condition.kind === 'last_event' && !filters.has(condition.path)) filters.set(condition.path, condition);
  }
  return filters;
}

function syntheticProperties(definition: JourneyDefinition, type: string, entryKey: string | undefined, random: () => number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [path, filter] of filtersOn(definition, type)) {
    const value = valueAround(filter, random);
    if (value !== undefined) setPath(properties, path, value);
  }
  if (definition.entryKey !== undefined && entryKey !== undefined) setPath(properties, definition.entryKey, entryKey);
  return properties;
}

/** An entry event that passes the entry's filters (they are the journey's audience, not the question). */
function entryEvent(definition: JourneyDefinition, key: string, atMs: number, eventId: string, random: () => number): SyntheticEvent {
  const entry = definition.entry;
  if (entry.kind !== 'event') {
    const type = entry.kind === 'stage_entered' ? 'stage_changed' : 'schedule_tick';
    return { atMs, eventId, type, properties: entry.kind === 'stage_entered' ? { to: entry.stage } : {} };
  }
  const properties: Record<string, unknown> = {};
  for (const filter of entry.where ?? []) {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const candidate = valueAround(filter, random);
      const probe: Record<string, unknown> = {};
      setPath(probe, filter.path, candidate);
      if (filterHolds(filter, { type: entry.event, properties: probe })) {
        setPath(properties, filter.path, candidate);
        break;
      }
    }
  }
  if (definition.entryKey !== undefined) setPath(properties, definition.entryKey, key);
  return { atMs, eventId, type: entry.event, properties };
}

/** Each contact draws from its own stream, so a slice of the population costs only its own contacts. */
function contactSeed(seed: number, index: number): number {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  hash = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  return (hash ^ (hash >>> 15)) >>> 0;
}

/** Synthetic contacts and their event streams, starting at `startMs`: contacts `first` to `first + count - 1` of the population (all by default). */
export function syntheticContacts(
  definition: JourneyDefinition,
  options: SimulationOptions,
  startMs: number,
  first = 0,
  count = options.contacts - first,
): SyntheticContact[] {
  const listened = new Set<string>([...definition.exits.map((exit) => exit.event)]);
  for (const node of Object.values(definition.nodes)) if (node.type === 'wait_for_event') listened.add(node.event);
  const windowMs = options.days * DAY_MS;
  const entryWindowMs = Math.min(options.entryWindowDays, options.days) * DAY_MS;
  const contacts: SyntheticContact[] = [];
  for (let index = first; index < Math.min(options.contacts, first + count); index += 1) {
    const random = seededRandom(contactSeed(options.seed, index));
    const contactId = `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
    const key = `sim-${index}`;
    const enteredAt = startMs + Math.floor(random() * entryWindowMs);
    const entry = entryEvent(definition, key, enteredAt, `sim-${index}-entry`, random);
    const entryKey = entryKeyOf(definition.entryKey, entry);
    const events: SyntheticEvent[] = [];
    for (const type of [...listened].sort()) {
      if (random() >= options.eventProbability) continue;
      // Most people who act do so soon: an exponential delay with a two-day mean, inside the window.
      const atMs = Math.floor(enteredAt + Math.min(-Math.log(1 - random()) * 2 * DAY_MS, startMs + windowMs - enteredAt - 1));
      events.push({ atMs, eventId: `sim-${index}-${type}`, type, properties: syntheticProperties(definition, type, entryKey, random) });
    }
    events.sort((a, b) => a.atMs - b.atMs);
    contacts.push({ contactId, ...(entryKey === undefined ? {} : { entryKey }), entry, events, traits: { firstName: `Sim${index}`, timezone: 'Europe/Paris' } });
  }
  return contacts;
}

export interface SimulationRecord {
  /** Node ids each contact entered, in order. */
  paths: Map<string, string[]>;
  /** Final status per contact; absent while still running. */
  outcomes: Map<string, string>;
  /** Day index (0-based from the start) of each e-mail sent, with its template. */
  emails: { day: number; template: string }[];
}

/** What a dry run assumes when the caller says nothing: the CLI's flags and the HTTP dry run's body. */
export const DRY_RUN_DEFAULTS = { contacts: 1000, days: 30, seed: 1, eventProbability: 0.3, stepHours: 1 } as const;

export interface SimulationSummary {
  contacts: number;
  days: number;
  paths: { path: string; contacts: number }[];
  emailsPerDay: number[];
  emailsByTemplate: Record<string, number>;
  outcomes: Record<string, number>;
}

/** What a dry run counted, in a shape that merges across cohorts and crosses a workflow boundary. */
export interface SimulationTally {
  /** Contacts per path taken (node ids entered, a node repeated back to back read once). */
  paths: Record<string, number>;
  /** Contacts per final status; contacts still running are not counted. */
  outcomes: Record<string, number>;
  /** E-mails sent per template and per day index (0-based from the start). */
  emails: Record<string, Record<string, number>>;
}

const ENDED_BEFORE_FIRST_NODE = '(ended before its first node)';

export function tallyRecord(record: SimulationRecord): SimulationTally {
  const paths: Record<string, number> = {};
  for (const path of record.paths.values()) {
    // A wait that loops on itself (a cart change restarting the hour) reads once per stretch.
    const collapsed = path.filter((node, index) => node !== path[index - 1]).join(' → ');
    paths[collapsed] = (paths[collapsed] ?? 0) + 1;
  }
  // A goal event queued before the run's first task ends it before any node: that is a path too.
  for (const contact of record.outcomes.keys()) if (!record.paths.has(contact)) paths[ENDED_BEFORE_FIRST_NODE] = (paths[ENDED_BEFORE_FIRST_NODE] ?? 0) + 1;
  const outcomes: Record<string, number> = {};
  for (const status of record.outcomes.values()) outcomes[status] = (outcomes[status] ?? 0) + 1;
  const emails: Record<string, Record<string, number>> = {};
  for (const { day, template } of record.emails) {
    const perDay = (emails[template] ??= {});
    perDay[day] = (perDay[day] ?? 0) + 1;
  }
  return { paths, outcomes, emails };
}

export function mergeTallies(tallies: readonly SimulationTally[]): SimulationTally {
  const merged: SimulationTally = { paths: {}, outcomes: {}, emails: {} };
  const add = (target: Record<string, number>, source: Record<string, number>) => {
    for (const [key, count] of Object.entries(source)) target[key] = (target[key] ?? 0) + count;
  };
  for (const tally of tallies) {
    add(merged.paths, tally.paths);
    add(merged.outcomes, tally.outcomes);
    for (const [template, perDay] of Object.entries(tally.emails)) add((merged.emails[template] ??= {}), perDay);
  }
  return merged;
}

/** The most common paths first; the long tail folds into one line. */
export function summarizeTally(tally: SimulationTally, contacts: number, days: number, topPaths = 10): SimulationSummary {
  const sorted = Object.entries(tally.paths).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const paths = sorted.slice(0, topPaths).map(([path, count]) => ({ path, contacts: count }));
  const rest = sorted.slice(topPaths).reduce((sum, [, count]) => sum + count, 0);
  if (rest > 0) paths.push({ path: `(${sorted.length - topPaths} other paths)`, contacts: rest });
  const emailsPerDay = Array.from({ length: days }, () => 0);
  const emailsByTemplate: Record<string, number> = {};
  for (const [template, perDay] of Object.entries(tally.emails)) {
    for (const [day, count] of Object.entries(perDay)) {
      const index = Number(day);
      if (index >= 0 && index < days) emailsPerDay[index] = (emailsPerDay[index] ?? 0) + count;
      emailsByTemplate[template] = (emailsByTemplate[template] ?? 0) + count;
    }
  }
  const ended = Object.values(tally.outcomes).reduce((sum, count) => sum + count, 0);
  const outcomes: Record<string, number> = { running: contacts - ended, ...tally.outcomes };
  return { contacts, days, paths, emailsPerDay, emailsByTemplate, outcomes };
}

export function summarize(record: SimulationRecord, contacts: number, days: number, topPaths = 10): SimulationSummary {
  return summarizeTally(tallyRecord(record), contacts, days, topPaths);
}

/**
 * What a synthetic contact looks like to a branch at `atMs`: its own traits, an ordinary lead's
 * stage and scores, and the events of its stream that have happened by then.
 */
export function syntheticFacts(contact: SyntheticContact | undefined, request: FactsRequest, atMs: number): ContactFacts {
  const traits: Record<string, unknown> = {};
  for (const name of request.traits) if (contact?.traits[name] !== undefined) traits[name] = contact.traits[name];
  const eventsSeen: Record<string, boolean> = {};
  for (const type of request.eventTypes) eventsSeen[type] = contact?.events.some((event) => event.type === type && event.atMs <= atMs) ?? false;
  return { traits, stage: 'lead', engagement: 10, fitPoints: 10, fitGrade: 'B', eventsSeen };
}
