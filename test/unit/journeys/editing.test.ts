import { describe, expect, it } from 'vitest';
import { JourneyNode } from '../../../domain/journeys/definition.js';
import { emptyDefinition, ENTRY_ID, insertOnEdge, newNode, removeNode, successorSlots } from '../../../domain/journeys/editing.js';
import { validateJourneyDefinition } from '../../../domain/journeys/graph.js';

const TYPES = JourneyNode.options.map((option) => option.shape.type.value);

describe('editing a draft journey', () => {
  it('makes a new node of every type that the definition schema accepts as it is', () => {
    for (const type of TYPES) expect(JourneyNode.safeParse(newNode(type, 'done')).success, type).toBe(true);
  });

  it('builds a valid journey from nothing by inserting nodes on edges, from the entry and between nodes', () => {
    let draft = emptyDefinition('welcome-flow', 'Welcome flow', 'signed_up');
    expect(validateJourneyDefinition(draft)).toMatchObject({ ok: true });
    draft = insertOnEdge(draft, ENTRY_ID, [], 'hello', newNode('send_email', 'done'));
    draft = insertOnEdge(draft, 'hello', ['next'], 'pause', newNode('delay', 'done'));
    expect(draft.start).toBe('hello');
    expect(successorSlots(draft.nodes!['hello']!)).toEqual([{ path: ['next'], target: 'pause' }]);
    expect(successorSlots(draft.nodes!['pause']!)).toEqual([{ path: ['next'], target: 'done' }]);
    expect(validateJourneyDefinition(draft)).toMatchObject({ ok: true });
    expect(() => insertOnEdge(draft, 'hello', ['next'], 'pause', newNode('exit', 'done'))).toThrow('a node "pause" already exists');
  });

  it('names the successor fields of a wait, a branch and a split by their path', () => {
    expect(successorSlots(newNode('wait_for_event', 'a')).map((slot) => slot.path.join('.'))).toEqual(['next', 'onTimeout']);
    expect(successorSlots(newNode('branch', 'a')).map((slot) => slot.path.join('.'))).toEqual(['conditions.0.next', 'default']);
    expect(successorSlots(newNode('random_split', 'a')).map((slot) => slot.path.join('.'))).toEqual(['branches.0.next', 'branches.1.next']);
    const split = insertOnEdge({ start: 's', nodes: { s: newNode('random_split', 'done'), done: { type: 'exit' } } }, 's', ['branches', 1, 'next'], 'mail', newNode('send_email', 'done'));
    expect(successorSlots(split.nodes!['s']!).map((slot) => slot.target)).toEqual(['done', 'mail']);
  });

  it('removes a node and closes the path through it, the start included; refuses to remove the end of a path', () => {
    let draft = emptyDefinition('j', 'J', 'signed_up');
    draft = insertOnEdge(draft, ENTRY_ID, [], 'hello', newNode('send_email', 'done'));
    draft = insertOnEdge(draft, 'hello', ['next'], 'pause', newNode('delay', 'done'));
    const withoutPause = removeNode(draft, 'pause');
    expect(withoutPause.nodes!['hello']!['next']).toBe('done');
    expect(Object.keys(withoutPause.nodes!)).toEqual(['done', 'hello']);
    const withoutStart = removeNode(draft, 'hello');
    expect(withoutStart.start).toBe('pause');
    expect(validateJourneyDefinition(withoutStart)).toMatchObject({ ok: true });
    expect(() => removeNode(draft, 'done')).toThrow('"done" ends the path of "pause": change where they lead first');
  });
});
