import type { JourneyNodeType } from './definition.js';

// Edits a draft journey the way the console's editor makes them. A draft being edited is not yet a
// valid definition (that is the point of editing it), so these functions work on its raw JSON and
// leave validation to `validateJourneyDefinition`: they only keep the graph's links consistent.

export type RawNode = Record<string, unknown> & { type?: unknown };
export type RawDefinition = Record<string, unknown> & { start?: unknown; nodes?: Record<string, RawNode> };

/** Where a node names a successor: the path to that field inside the node, and the node it names. */
export interface SuccessorSlot {
  path: (string | number)[];
  target: string;
}

/** Every successor a node names, by the field that names it (as `successors` in graph.ts, for raw JSON). */
export function successorSlots(node: RawNode): SuccessorSlot[] {
  const slots: SuccessorSlot[] = [];
  const add = (path: (string | number)[], value: unknown) => {
    if (typeof value === 'string' && value !== '') slots.push({ path, target: value });
  };
  add(['next'], node['next']);
  add(['onTimeout'], node['onTimeout']);
  if (Array.isArray(node['conditions'])) node['conditions'].forEach((condition, index) => add(['conditions', index, 'next'], (condition as Record<string, unknown> | null)?.['next']));
  add(['default'], node['default']);
  if (Array.isArray(node['branches'])) node['branches'].forEach((branch, index) => add(['branches', index, 'next'], (branch as Record<string, unknown> | null)?.['next']));
  return slots;
}

/** A new node of a type, with every required field filled with a value a marketer then changes, leading to `next`. */
export function newNode(type: JourneyNodeType, next: string): RawNode {
  switch (type) {
    case 'send_email':
      return { type, template: 'welcome', category: 'marketing', next };
    case 'delay':
      return { type, wait: { kind: 'duration', duration: '1 day' }, next };
    case 'wait_for_event':
      return { type, event: 'email_clicked', timeout: '2 days', next, onTimeout: next };
    case 'branch':
      return { type, conditions: [{ when: [{ kind: 'stage', op: 'eq', value: 'mql' }], next }], default: next };
    case 'random_split':
      return { type, branches: [{ weight: 1, next }, { weight: 1, next }] };
    case 'set_stage':
      return { type, stage: 'mql', next };
    case 'set_trait':
      return { type, trait: 'nurtured', value: true, next };
    case 'issue_coupon':
      return { type, discount: { kind: 'percent', percent: 10 }, validityDays: 14, next };
    case 'hand_off':
      return { type, reason: 'qualified by the journey', next };
    case 'webhook':
      return { type, url: 'https://example.com/hook', body: {}, next };
    case 'exit':
      return { type };
  }
}

function setAt(node: RawNode, path: (string | number)[], value: string): RawNode {
  const copy = structuredClone(node);
  // The path comes from successorSlots over this very node, so every step exists.
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

/** The journey's entry, drawn as a node of its own: an edge from it is the start. */
export const ENTRY_ID = '(entry)';

/**
 * Inserts `node` (already leading where it should) on the edge from `source` through its successor
 * field `path` (or from the entry when `source` is ENTRY_ID): that field then names the new node.
 */
export function insertOnEdge(definition: RawDefinition, source: string, path: (string | number)[], id: string, node: RawNode): RawDefinition {
  const nodes = { ...(definition.nodes ?? {}) };
  if (id in nodes || id === ENTRY_ID) throw new Error(`a node "${id}" already exists`);
  nodes[id] = node;
  if (source === ENTRY_ID) return { ...definition, start: id, nodes };
  const from = nodes[source];
  if (from === undefined) throw new Error(`no node "${source}"`);
  nodes[source] = setAt(from, path, id);
  return { ...definition, nodes };
}

/**
 * Removes a node, re-linking everything that led to it (and the start) to its first successor, so
 * the path through it closes up. A node with no successor (an exit) can only go when nothing else
 * leads to it.
 */
export function removeNode(definition: RawDefinition, id: string): RawDefinition {
  const nodes = { ...(definition.nodes ?? {}) };
  const removed = nodes[id];
  if (removed === undefined) return definition;
  delete nodes[id];
  const onward = successorSlots(removed).map((slot) => slot.target).find((target) => target !== id);
  const leadsHere = Object.entries(nodes).filter(([, node]) => successorSlots(node).some((slot) => slot.target === id));
  if (onward === undefined && (leadsHere.length > 0 || definition.start === id)) {
    throw new Error(`"${id}" ends the path of ${leadsHere.length > 0 ? leadsHere.map(([other]) => `"${other}"`).join(', ') : 'the journey'}: change where they lead first`);
  }
  for (const [other, node] of leadsHere) {
    let relinked = node;
    for (const slot of successorSlots(node)) if (slot.target === id) relinked = setAt(relinked, slot.path, onward!);
    nodes[other] = relinked;
  }
  return { ...definition, ...(definition.start === id ? { start: onward } : {}), nodes };
}

/** A draft to build from nothing: the entry leads straight to an exit, and the marketer adds the rest on that edge. */
export function emptyDefinition(id: string, name: string, entryEvent: string): RawDefinition {
  return { schemaVersion: 1, id, name, entry: { kind: 'event', event: entryEvent }, start: 'done', nodes: { done: { type: 'exit' } } };
}
