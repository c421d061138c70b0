import { describe, expect, it } from 'vitest';
import { JourneyDefinition, type JourneyDefinitionInput } from '../../../domain/journeys/definition.js';
import { acceptsAnyEntryKey, eventPathsRead, eventTypesOf, propertiesFor, reEntryDecision, runEventTypesOf, runListensTo } from '../../../domain/journeys/event-routing.js';

const cart: JourneyDefinitionInput = {
  schemaVersion: 1,
  id: 'cart',
  name: 'Abandoned cart',
  entry: { kind: 'event', event: 'cart_updated', where: [{ path: 'properties.total', op: 'gt', value: 0 }] },
  entryKey: 'properties.cart_id',
  exits: [{ name: 'ordered', outcome: 'goal', event: 'order_completed', sameEntryKey: true }],
  start: 'wait',
  nodes: {
    wait: { type: 'wait_for_event', event: 'cart_updated', sameEntryKey: true, timeout: '1 hour', next: 'wait', onTimeout: 'remind' },
    remind: { type: 'send_email', template: 'cart-reminder', next: 'survey' },
    survey: { type: 'wait_for_event', event: 'survey_answered', where: [{ path: 'properties.nps', op: 'exists' }], timeout: '2 days', next: 'route', onTimeout: 'done' },
    route: { type: 'branch', conditions: [{ when: [{ kind: 'last_event', path: 'properties.nps', op: 'lte', value: 6 }], next: 'done' }], default: 'done' },
    done: { type: 'exit' },
  },
};
const definition = JourneyDefinition.parse(cart);

describe('which events a journey listens for', () => {
  it('collects the entry, every wait and every goal or exit', () => {
    expect([...eventTypesOf(definition)].sort()).toEqual(['cart_updated', 'order_completed', 'survey_answered']);
  });

  it('leaves the entry out for runs already inside unless a wait asks for it', () => {
    const noRewait = JourneyDefinition.parse({ ...cart, entry: { kind: 'event', event: 'checkout_started' } });
    expect([...runEventTypesOf(noRewait)].sort()).toEqual(['cart_updated', 'order_completed', 'survey_answered']);
    expect(runEventTypesOf(noRewait).has('checkout_started')).toBe(false);
  });

  it('listens for nothing when the entry is a stage and there are no waits or exits', () => {
    const stage = JourneyDefinition.parse({ ...cart, entry: { kind: 'stage_entered', stage: 'mql' }, exits: [], start: 'done', nodes: { done: { type: 'exit' } } });
    expect(eventTypesOf(stage).size).toBe(0);
  });

  it('tells a run only the events its waits and exits hear, and of another entry key only where a listener allows it', () => {
    const noRewait = JourneyDefinition.parse({ ...cart, entry: { kind: 'event', event: 'checkout_started' } });
    expect(runListensTo(noRewait, 'survey_answered')).toBe(true);
    expect(runListensTo(noRewait, 'checkout_started')).toBe(false);
    // The cart wait and the order goal hear their own cart only; the survey hears any.
    expect(acceptsAnyEntryKey(noRewait, 'cart_updated')).toBe(false);
    expect(acceptsAnyEntryKey(noRewait, 'order_completed')).toBe(false);
    expect(acceptsAnyEntryKey(noRewait, 'survey_answered')).toBe(true);
  });
});

describe('what a signal carries', () => {
  const event = { type: 'survey_answered', properties: { nps: 4, cart_id: 'c-1', email: 'ada@example.com', comment: 'slow delivery', address: { city: 'Lyon' } } };

  it('keeps only the properties the filters, branch conditions and entry key read', () => {
    expect([...eventPathsRead(definition)].sort()).toEqual(['properties.cart_id', 'properties.nps']);
    expect(propertiesFor(eventPathsRead(definition), event)).toEqual({ nps: 4, cart_id: 'c-1' });
  });

  it('rebuilds nested paths and skips missing ones', () => {
    expect(propertiesFor(new Set(['properties.address.city', 'properties.missing', 'type']), event)).toEqual({ address: { city: 'Lyon' } });
  });
});

describe('re-entry policy and per-contact limit', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const ended = { status: 'completed', startedAt: new Date('2026-03-01T00:00:00Z'), endedAt: new Date('2026-03-09T12:00:00Z') };
  const inFlight = { status: 'running', startedAt: new Date('2026-03-09T00:00:00Z'), endedAt: null };

  it('admits a first entry under every policy', () => {
    for (const policy of [{ policy: 'never' }, { policy: 'after_exit' }, { policy: 'cooldown', cooldown: '7 days' }] as const) {
      expect(reEntryDecision(policy, 1, [], now)).toEqual({ enter: true });
    }
  });

  it('"never" refuses a contact who has been through once, even long ago', () => {
    expect(reEntryDecision({ policy: 'never' }, 1, [ended], now)).toMatchObject({ enter: false, reason: expect.stringContaining('never') });
  });

  it('"after_exit" admits again once the run ended, not while it is in flight', () => {
    expect(reEntryDecision({ policy: 'after_exit' }, 1, [ended], now)).toEqual({ enter: true });
    expect(reEntryDecision({ policy: 'after_exit' }, 1, [ended, inFlight], now)).toMatchObject({ enter: false, reason: expect.stringContaining('per-contact limit') });
  });

  it('"cooldown" waits the given time after the last run ended', () => {
    expect(reEntryDecision({ policy: 'cooldown', cooldown: '2 days' }, 1, [ended], now)).toMatchObject({ enter: false, reason: expect.stringContaining('cooldown') });
    expect(reEntryDecision({ policy: 'cooldown', cooldown: '12 hours' }, 1, [ended], now)).toEqual({ enter: true });
  });

  it('the per-contact limit counts runs in flight (one per cart)', () => {
    expect(reEntryDecision({ policy: 'after_exit' }, 2, [inFlight], now)).toEqual({ enter: true });
    expect(reEntryDecision({ policy: 'after_exit' }, 2, [inFlight, inFlight], now)).toMatchObject({ enter: false });
  });
});
