// How stored events find their way into journeys, as pure functions: which event types a definition
// listens for at all (so ingestion can skip the rest), whether an event admits a contact, what a
// running run is told about an event (only what its filters read), and whether re-entry is allowed.
import type { JourneyDefinition, ReEntryPolicy } from './definition.js';
import { parseDuration } from './duration.js';
import { readPath, type MatchableEvent } from './evaluate.js';

/** What in a running run hears events: its goals and exits, and its wait-for-event nodes. */
function runListeners(definition: JourneyDefinition): { event: string; sameEntryKey?: boolean | undefined }[] {
  return [...definition.exits, ...Object.values(definition.nodes).filter((node) => node.type === 'wait_for_event')];
}

/** Event types a running run can react to (waits, goals, exits); the entry event only matters for entries. */
export function runEventTypesOf(definition: JourneyDefinition): Set<string> {
  return new Set(runListeners(definition).map((listener) => listener.event));
}

/** Every event type the definition reacts to: its entry, its waits, its goals and exits. */
export function eventTypesOf(definition: JourneyDefinition): Set<string> {
  const types = runEventTypesOf(definition);
  if (definition.entry.kind === 'event') types.add(definition.entry.event);
  return types;
}

/** Whether a running run of the definition hears events of this type at all. */
export function runListensTo(definition: JourneyDefinition, type: string): boolean {
  return runListeners(definition).some((listener) => listener.event === type);
}

/** Whether some listener of this event type accepts an event of another entry key than the run's. */
export function acceptsAnyEntryKey(definition: JourneyDefinition, type: string): boolean {
  return runListeners(definition).some((listener) => listener.event === type && listener.sameEntryKey !== true);
}

/** Dotted event paths the run's filters and `last_event` conditions read (`properties.total`), plus the entry key. */
export function eventPathsRead(definition: JourneyDefinition): Set<string> {
  const paths = new Set<string>();
  for (const exit of definition.exits) for (const filter of exit.where ?? []) paths.add(filter.path);
  for (const node of Object.values(definition.nodes)) {
    if (node.type === 'wait_for_event') for (const filter of node.where ?? []) paths.add(filter.path);
    if (node.type === 'branch') {
      for (const arm of node.conditions) for (const condition of arm.when) if (condition.kind === 'last_event') paths.add(condition.path);
    }
  }
  if (definition.entryKey !== undefined) paths.add(definition.entryKey);
  return paths;
}

/**
 * The event's properties cut down to what the run's filters read: a signal lands in the workflow's
 * history, so an address or a name the journey never tests stays out of it.
 */
export function propertiesFor(paths: ReadonlySet<string>, event: MatchableEvent): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const path of paths) {
    const [root, ...rest] = path.split('.');
    if (root !== 'properties' || rest.length === 0) continue;
    const value = readPath(event, path);
    if (value === undefined) continue;
    let target = kept;
    for (const part of rest.slice(0, -1)) {
      const existing = target[part];
      target = (typeof existing === 'object' && existing !== null ? existing : (target[part] = {})) as Record<string, unknown>;
    }
    target[rest.at(-1) as string] = value;
  }
  return kept;
}

export interface PreviousRun {
  status: string;
  startedAt: Date;
  endedAt: Date | null;
}

export type EntryDecision = { enter: true } | { enter: false; reason: string };

/**
 * Whether a contact may enter again, given its earlier runs of this journey (any version): `never`
 * admits one run in a lifetime, `after_exit` a new one once none is in flight, `cooldown` only once
 * the last run ended long enough ago. The per-contact limit caps runs in flight at once (entry keys).
 */
export function reEntryDecision(policy: ReEntryPolicy, maxConcurrent: number, runs: readonly PreviousRun[], now: Date): EntryDecision {
  const inFlight = runs.filter((run) => run.endedAt === null);
  if (policy.policy === 'never' && runs.length > 0) return { enter: false, reason: 're-entry policy "never": the contact has been in this journey' };
  if (inFlight.length >= maxConcurrent) {
    return { enter: false, reason: `per-contact limit: ${inFlight.length} run(s) in flight, at most ${maxConcurrent}` };
  }
  if (policy.policy === 'cooldown') {
    const cooldownMs = parseDuration(policy.cooldown) ?? 0;
    const lastEnd = Math.max(0, ...runs.map((run) => (run.endedAt ?? run.startedAt).getTime()));
    if (runs.length > 0 && now.getTime() - lastEnd < cooldownMs) return { enter: false, reason: `re-entry cooldown of ${policy.cooldown} not over` };
  }
  return { enter: true };
}
