import { describe, expect, it } from 'vitest';
import type { JourneyDefinitionInput } from '../../../domain/journeys/definition.js';
import { validateJourneyDefinition } from '../../../domain/journeys/graph.js';

function journey(nodes: JourneyDefinitionInput['nodes'], start = 'welcome'): JourneyDefinitionInput {
  return { schemaVersion: 1, id: 'test', name: 'Test', entry: { kind: 'event', event: 'signed_up' }, start, nodes };
}

function issuesOf(input: unknown) {
  const result = validateJourneyDefinition(input);
  return result.ok ? [] : result.issues;
}

describe('journey graph checks', () => {
  it('accepts a linear journey and applies defaults', () => {
    const result = validateJourneyDefinition(
      journey({
        welcome: { type: 'send_email', template: 'welcome', next: 'pause' },
        pause: { type: 'delay', wait: { kind: 'duration', duration: '2 days' }, next: 'done' },
        done: { type: 'exit' },
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.definition.reEntry).toEqual({ policy: 'after_exit' });
      expect(result.definition.maxConcurrentRunsPerContact).toBe(1);
      expect(result.definition.nodes.welcome).toMatchObject({ category: 'marketing' });
    }
  });

  it('names a missing start node', () => {
    expect(issuesOf(journey({ done: { type: 'exit' } }, 'nowhere'))).toEqual([{ nodeId: 'nowhere', reason: 'start node "nowhere" does not exist' }]);
  });

  it('names the node holding a dangling reference', () => {
    expect(issuesOf(journey({ welcome: { type: 'send_email', template: 'welcome', next: 'ghost' } }))).toEqual([
      { nodeId: 'welcome', reason: 'leads to "ghost", which does not exist' },
    ]);
  });

  it('names unreachable nodes', () => {
    expect(
      issuesOf(
        journey({
          welcome: { type: 'send_email', template: 'welcome', next: 'done' },
          orphan: { type: 'send_email', template: 'welcome', next: 'done' },
          done: { type: 'exit' },
        }),
      ),
    ).toEqual([{ nodeId: 'orphan', reason: 'unreachable: no path from the start node "welcome" leads here' }]);
  });

  it('rejects a loop that never waits, and accepts one through a wait', () => {
    const spinning = journey({
      welcome: { type: 'send_email', template: 'welcome', next: 'check' },
      check: { type: 'branch', conditions: [{ when: [{ kind: 'stage', op: 'eq', value: 'mql' }], next: 'done' }], default: 'welcome' },
      done: { type: 'exit' },
    });
    expect(issuesOf(spinning)).toEqual([{ nodeId: 'welcome', reason: 'loop without a wait or delay: welcome → check → welcome' }]);

    const selfLoop = journey({ welcome: { type: 'set_trait', trait: 'x', value: 1, next: 'welcome' } });
    expect(issuesOf(selfLoop)).toEqual([{ nodeId: 'welcome', reason: 'loop without a wait or delay: welcome → welcome' }]);

    const waiting = journey({
      welcome: { type: 'send_email', template: 'welcome', next: 'wait' },
      wait: { type: 'wait_for_event', event: 'clicked', timeout: '3 days', next: 'done', onTimeout: 'welcome' },
      done: { type: 'exit' },
    });
    expect(issuesOf(waiting)).toEqual([]);
  });

  it('rejects a wait without a timeout branch, naming the node', () => {
    const issues = issuesOf(
      journey({
        welcome: { type: 'wait_for_event', event: 'clicked', timeout: '1 day', next: 'done' } as never,
        done: { type: 'exit' },
      }),
    );
    expect(issues).toEqual([{ nodeId: 'welcome', reason: expect.stringMatching(/^onTimeout: /), field: 'onTimeout' }]);
  });

  it('reports schema problems with the node id and the field', () => {
    const issues = issuesOf(
      journey({
        welcome: { type: 'delay', wait: { kind: 'duration', duration: 'soon' }, next: 'done' },
        done: { type: 'exit' },
        filter: { type: 'branch', conditions: [{ when: [{ kind: 'trait', trait: 'plan', op: 'in', value: 'pro' }], next: 'done' }], default: 'done' },
      }),
    );
    expect(issues).toEqual([
      { nodeId: 'welcome', reason: expect.stringMatching(/^wait\.duration: duration: a positive amount/), field: 'wait.duration' },
      { nodeId: 'filter', reason: expect.stringMatching(/^conditions\.0\.when\.0\.value: "in" needs a non-empty array/), field: 'conditions.0.when.0.value' },
    ]);
  });

  it('reports journey-level problems under (journey)', () => {
    const issues = issuesOf({ ...journey({ done: { type: 'exit' } }, 'done'), schemaVersion: 2 });
    expect(issues).toEqual([{ nodeId: '(journey)', reason: expect.stringMatching(/^schemaVersion: /), field: 'schemaVersion' }]);
  });
});
