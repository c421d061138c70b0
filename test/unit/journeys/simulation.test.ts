import { describe, expect, it } from 'vitest';
import { JourneyDefinition } from '../../../domain/journeys/definition.js';
import { filterHolds } from '../../../domain/journeys/evaluate.js';
import { summarize, syntheticContacts } from '../../../domain/journeys/simulation.js';

const survey = JourneyDefinition.parse({
  schemaVersion: 1,
  id: 'survey',
  name: 'Survey',
  entry: { kind: 'event', event: 'order_completed', where: [{ path: 'properties.total', op: 'gte', value: 50 }] },
  entryKey: 'properties.order_id',
  exits: [{ name: 'unsubscribed', outcome: 'exit', event: 'unsubscribed' }],
  start: 'ask',
  nodes: {
    ask: { type: 'send_email', template: 'satisfaction-survey', next: 'answer' },
    answer: { type: 'wait_for_event', event: 'survey_answered', sameEntryKey: true, timeout: '3 days', next: 'route', onTimeout: 'done' },
    route: { type: 'branch', conditions: [{ when: [{ kind: 'last_event', path: 'properties.nps', op: 'lte', value: 6 }], next: 'done' }], default: 'done' },
    done: { type: 'exit' },
  },
});
const start = Date.UTC(2026, 0, 1);
const options = { contacts: 200, days: 30, seed: 7, eventProbability: 0.5, entryWindowDays: 7 };

describe('synthetic contacts for a dry run', () => {
  it('gives the same streams for the same seed, and others for another', () => {
    expect(syntheticContacts(survey, options, start)).toEqual(syntheticContacts(survey, options, start));
    expect(syntheticContacts(survey, { ...options, seed: 8 }, start)).not.toEqual(syntheticContacts(survey, options, start));
  });

  it('enters every contact inside the entry window with an event that passes the entry filters and carries its own key', () => {
    const contacts = syntheticContacts(survey, options, start);
    expect(contacts).toHaveLength(200);
    for (const contact of contacts) {
      expect(contact.entry.atMs).toBeGreaterThanOrEqual(start);
      expect(contact.entry.atMs).toBeLessThan(start + 7 * 86_400_000);
      expect(contact.entry.type).toBe('order_completed');
      expect(filterHolds({ path: 'properties.total', op: 'gte', value: 50 }, contact.entry)).toBe(true);
      expect(contact.entryKey).toBe(contact.entry.properties['order_id']);
      for (const event of contact.events) {
        expect(event.atMs).toBeGreaterThanOrEqual(contact.entry.atMs);
        expect(event.atMs).toBeLessThan(start + 30 * 86_400_000);
        expect(event.properties['order_id']).toBe(contact.entryKey);
      }
    }
  });

  it('sends each listened event type with the given probability, and answers on both sides of a branch', () => {
    expect(syntheticContacts(survey, { ...options, eventProbability: 0 }, start).every((contact) => contact.events.length === 0)).toBe(true);
    const everyone = syntheticContacts(survey, { ...options, eventProbability: 1 }, start);
    expect(everyone.every((contact) => contact.events.map((event) => event.type).sort().join() === 'survey_answered,unsubscribed')).toBe(true);
    const scores = everyone.map((contact) => contact.events.find((event) => event.type === 'survey_answered')?.properties['nps'] as number);
    expect(scores.some((nps) => nps <= 6)).toBe(true);
    expect(scores.some((nps) => nps > 6)).toBe(true);
  });
});

describe('the dry-run summary', () => {
  it('counts paths (a wait looping on itself reads once), e-mails per day and outcomes', () => {
    const summary = summarize(
      {
        paths: new Map([
          ['a', ['wait', 'wait', 'wait', 'mail', 'done']],
          ['b', ['wait', 'mail', 'done']],
          ['c', ['wait']],
        ]),
        outcomes: new Map([
          ['a', 'completed'],
          ['b', 'exited_goal'],
        ]),
        emails: [
          { day: 0, template: 'mail' },
          { day: 2, template: 'mail' },
        ],
      },
      3,
      3,
    );
    expect(summary.paths).toEqual([
      { path: 'wait → mail → done', contacts: 2 },
      { path: 'wait', contacts: 1 },
    ]);
    expect(summary.emailsPerDay).toEqual([1, 0, 1]);
    expect(summary.emailsByTemplate).toEqual({ mail: 2 });
    expect(summary.outcomes).toEqual({ running: 1, completed: 1, exited_goal: 1 });
  });

  it('counts a contact whose run ended before its first node (a goal event already queued) on a path of its own', () => {
    const summary = summarize(
      { paths: new Map([['a', ['hello', 'done']]]), outcomes: new Map([['a', 'completed'], ['b', 'exited_goal']]), emails: [] },
      2,
      1,
    );
    expect(summary.paths).toEqual([
      { path: '(ended before its first node)', contacts: 1 },
      { path: 'hello → done', contacts: 1 },
    ]);
    expect(summary.outcomes).toEqual({ running: 0, completed: 1, exited_goal: 1 });
  });

  it('folds the long tail of paths into one line', () => {
    const paths = new Map(Array.from({ length: 12 }, (_, index) => [`c${index}`, [`node${index}`]]));
    const summary = summarize({ paths, outcomes: new Map(), emails: [] }, 12, 1, 10);
    expect(summary.paths).toHaveLength(11);
    expect(summary.paths.at(-1)).toEqual({ path: '(2 other paths)', contacts: 2 });
  });
});

describe('a slice of the synthetic population', () => {
  it('is exactly those contacts of the whole population, so cohorts of a dry run add up to it', () => {
    const everyone = syntheticContacts(survey, options, start);
    expect(syntheticContacts(survey, options, start, 50, 30)).toEqual(everyone.slice(50, 80));
    expect(syntheticContacts(survey, options, start, 190, 30)).toEqual(everyone.slice(190));
  });
});
