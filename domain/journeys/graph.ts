import { JourneyDefinition, type DefinitionIssue, type JourneyNode } from './definition.js';

/** Node ids a node leads to, in the order a marketer reads them. */
export function successors(node: JourneyNode): string[] {
  switch (node.type) {
    case 'wait_for_event':
      return [node.next, node.onTimeout];
    case 'branch':
      return [...node.conditions.map((condition) => condition.next), node.default];
    case 'random_split':
      return node.branches.map((branch) => branch.next);
    case 'exit':
      return [];
    default:
      return [node.next];
  }
}

/** Nodes that let time pass: a loop through one of them cannot spin. */
function waits(node: JourneyNode): boolean {
  return node.type === 'delay' || node.type === 'wait_for_event';
}

export const JOURNEY_LEVEL = '(journey)';

/**
 * Structural problems of a definition the schema cannot see, each with the node and the reason:
 * a missing start, a reference to no node, a node nothing leads to, a loop that never waits (it would
 * spin, sending mail as fast as the worker runs), a wait without a timeout branch.
 */
export function checkJourneyGraph(definition: Pick<JourneyDefinition, 'start' | 'nodes'>): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const nodes = new Map(Object.entries(definition.nodes));

  if (!nodes.has(definition.start)) {
    issues.push({ nodeId: definition.start || JOURNEY_LEVEL, reason: `start node "${definition.start}" does not exist` });
  }

  for (const [id, node] of nodes) {
    if (node.type === 'wait_for_event' && (node.onTimeout === undefined || node.onTimeout === '')) {
      issues.push({ nodeId: id, reason: 'wait_for_event has no timeout branch (onTimeout)' });
    }
    for (const target of successors(node)) {
      if (target !== undefined && target !== '' && !nodes.has(target)) {
        issues.push({ nodeId: id, reason: `leads to "${target}", which does not exist` });
      }
    }
  }

  const reachable = new Set<string>();
  const stack = nodes.has(definition.start) ? [definition.start] : [];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reachable.has(id)) continue;
    reachable.add(id);
    const node = nodes.get(id);
    if (node !== undefined) for (const target of successors(node)) if (nodes.has(target)) stack.push(target);
  }
  if (nodes.has(definition.start)) {
    for (const id of nodes.keys()) {
      if (!reachable.has(id)) issues.push({ nodeId: id, reason: `unreachable: no path from the start node "${definition.start}" leads here` });
    }
  }

  for (const cycle of loopsWithoutWait(nodes)) {
    issues.push({ nodeId: cycle[0] as string, reason: `loop without a wait or delay: ${[...cycle, cycle[0]].join(' → ')}` });
  }
  return issues;
}

/** Cycles among the nodes that do not wait (strongly connected components of that subgraph). */
function loopsWithoutWait(nodes: ReadonlyMap<string, JourneyNode>): string[][] {
  const instant = new Map([...nodes].filter(([, node]) => !waits(node)));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const target of successors(instant.get(id) as JourneyNode)) {
      if (!instant.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(id, Math.min(low.get(id) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(id, Math.min(low.get(id) as number, index.get(target) as number));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
        if (member === id) break;
      }
      const selfLoop = component.length === 1 && successors(instant.get(id) as JourneyNode).includes(id);
      if (component.length > 1 || selfLoop) cycles.push(component.reverse());
    }
  };
  for (const id of instant.keys()) if (!index.has(id)) visit(id);
  return cycles;
}

export type JourneyValidation = { ok: true; definition: JourneyDefinition } | { ok: false; issues: DefinitionIssue[] };

/** Schema, then graph: every problem of a submitted definition, each with its node id and reason. */
export function validateJourneyDefinition(input: unknown): JourneyValidation {
  const parsed = JourneyDefinition.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const [first, second, ...rest] = issue.path.map(String);
        if (first === 'nodes' && second !== undefined) {
          return rest.length > 0 ? { nodeId: second, reason: `${rest.join('.')}: ${issue.message}`, field: rest.join('.') } : { nodeId: second, reason: issue.message };
        }
        const where = issue.path.map(String).join('.');
        return where === '' ? { nodeId: JOURNEY_LEVEL, reason: issue.message } : { nodeId: JOURNEY_LEVEL, reason: `${where}: ${issue.message}`, field: where };
      }),
    };
  }
  const issues = checkJourneyGraph(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, definition: parsed.data };
}
