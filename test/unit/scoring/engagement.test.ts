import { describe, expect, it } from 'vitest';
import {
  ScoringEvent,
  compileScoringModel,
  createScoringState,
  decodeScoringState,
  defaultScoringModel,
  encodeScoringState,
  isLate,
  scoreEvent,
  scoreEvents,
} from '../../../domain/scoring/index.js';
import type { Contribution, EngagementRule, ScoringState } from '../../../domain/scoring/index.js';
import { ev, modelWith, shuffled } from './helpers.js';

const pageView = (rule: Partial<EngagementRule> = {}): EngagementRule => ({
  id: 'page-view',
  event: 'page_viewed',
  points: 1,
  ...rule,
});

function points(contributions: readonly Contribution[]): number[] {
  return contributions.map((c) => c.points);
}

function total(contributions: readonly Contribution[]): number {
  return contributions.reduce((sum, c) => sum + c.points, 0);
}

describe('rules and contributions', () => {
  it('gives each matching rule its points, with the event, rule, time and reason', () => {
    const model = modelWith([
      pageView({ description: 'Viewed a page' }),
      { id: 'pricing', event: 'page_viewed', where: [{ property: 'path', op: 'startsWith', value: '/pricing' }], points: 5 },
      { id: 'form', event: 'form_submitted', points: 10 },
    ]);
    const { contributions } = scoreEvents(
      [ev('page_viewed', '2025-03-01T10:00:00Z', { path: '/pricing/enterprise' }, 'e1'), ev('page_viewed', '2025-03-01T10:05:00Z', { path: '/blog' }, 'e2')],
      model,
    );
    expect(contributions).toEqual([
      { eventId: 'e1', ruleId: 'page-view', points: 1, occurredAt: '2025-03-01T10:00:00Z', reason: 'Viewed a page' },
      { eventId: 'e1', ruleId: 'pricing', points: 5, occurredAt: '2025-03-01T10:00:00Z', reason: 'page_viewed where path startsWith "/pricing"' },
      { eventId: 'e2', ruleId: 'page-view', points: 1, occurredAt: '2025-03-01T10:05:00Z', reason: 'Viewed a page' },
    ]);
  });

  it('gives nothing to event types no rule mentions, or to events the filters reject', () => {
    const model = modelWith([{ id: 'pricing', event: 'page_viewed', where: [{ property: 'path', op: 'eq', value: '/pricing' }], points: 5 }]);
    const { contributions } = scoreEvents(
      [ev('session_started', '2025-03-01T10:00:00Z'), ev('page_viewed', '2025-03-01T10:00:01Z', { path: '/blog' }), ev('page_viewed', '2025-03-01T10:00:02Z')],
      model,
    );
    expect(contributions).toEqual([]);
  });

  it('counts negative points', () => {
    const model = modelWith([pageView(), { id: 'careers', event: 'page_viewed', where: [{ property: 'path', op: 'startsWith', value: '/careers' }], points: -10 }]);
    const { contributions } = scoreEvents([ev('page_viewed', '2025-03-01T10:00:00Z', { path: '/careers/dev' })], model);
    expect(points(contributions)).toEqual([1, -10]);
  });
});

describe('caps', () => {
  const capped = modelWith([pageView({ points: 4, cap: { points: 10, per: 'day' } })]);

  it('clips the contribution that reaches the cap and records nothing after it in the period', () => {
    const events = [1, 2, 3, 4, 5].map((n) => ev('page_viewed', `2025-03-01T1${n}:00:00Z`, {}, `e${n}`));
    const { contributions } = scoreEvents(events, capped);
    expect(contributions.map((c) => [c.eventId, c.points])).toEqual([
      ['e1', 4],
      ['e2', 4],
      ['e3', 2],
    ]);
    expect(contributions[1]?.reason).toBe('page_viewed');
    expect(contributions[2]?.reason).toBe('page_viewed (capped at 10 points per day)');
  });

  it('starts a new period at UTC midnight, whatever the offset the event was written in', () => {
    const { contributions } = scoreEvents(
      [
        ev('page_viewed', '2025-03-02T01:00:00+02:00'), // 23:00Z on 1 March, though 2 March locally
        ev('page_viewed', '2025-03-01T23:59:59.000Z'),
        ev('page_viewed', '2025-03-01T23:59:59.999Z'), // clipped to 2
        ev('page_viewed', '2025-03-02T00:00:00.000Z'), // new day: full points
        ev('page_viewed', '2025-03-02T00:00:00.001Z'),
        ev('page_viewed', '2025-03-02T00:00:00.002Z'), // clipped to 2
      ],
      capped,
    );
    expect(contributions.map((c) => [c.occurredAt, c.points])).toEqual([
      ['2025-03-02T01:00:00+02:00', 4],
      ['2025-03-01T23:59:59.000Z', 4],
      ['2025-03-01T23:59:59.999Z', 2],
      ['2025-03-02T00:00:00.000Z', 4],
      ['2025-03-02T00:00:00.001Z', 4],
      ['2025-03-02T00:00:00.002Z', 2],
    ]);
  });

  it('keeps a separate cap per rule', () => {
    const model = modelWith([
      pageView({ points: 1, cap: { points: 2, per: 'day' } }),
      { id: 'pricing', event: 'page_viewed', where: [{ property: 'path', op: 'eq', value: '/pricing' }], points: 5, cap: { points: 10, per: 'day' } },
    ]);
    const events = [1, 2, 3, 4].map((n) => ev('page_viewed', `2025-03-01T0${n}:00:00Z`, { path: '/pricing' }));
    const { contributions } = scoreEvents(events, model);
    const byRule = (id: string) => contributions.filter((c) => c.ruleId === id).map((c) => c.points);
    expect(byRule('page-view')).toEqual([1, 1]);
    expect(byRule('pricing')).toEqual([5, 5]);
  });

  it.each([
    ['hour', '2025-03-01T10:59:59Z', '2025-03-01T11:00:00Z'],
    ['week', '2025-03-09T23:59:59Z', '2025-03-10T00:00:00Z'], // Sunday → Monday
    ['month', '2024-02-29T23:59:59Z', '2024-03-01T00:00:00Z'],
  ] as const)('per %s: the period ends at its UTC boundary', (per, last, next) => {
    const model = modelWith([pageView({ points: 3, cap: { points: 3, per } })]);
    const { contributions } = scoreEvents(
      [ev('page_viewed', '2024-01-01T00:00:00Z'), ev('page_viewed', last, {}, 'last-1'), ev('page_viewed', last, {}, 'last-2'), ev('page_viewed', next, {}, 'next')],
      model,
    );
    expect(contributions.filter((c) => c.eventId.startsWith('last')).map((c) => c.points)).toEqual([3]);
    expect(contributions.find((c) => c.eventId === 'next')?.points).toBe(3);
  });

  it('per { days: 7 }: windows counted from 1970-01-01 UTC (a Thursday)', () => {
    const model = modelWith([pageView({ points: 5, cap: { points: 5, per: { days: 7 } } })]);
    // 2025-02-27 is a Thursday: 2025-02-27 00:00Z starts a window (20146 days = 2878 weeks).
    const { contributions } = scoreEvents(
      [ev('page_viewed', '2025-02-20T00:00:00Z'), ev('page_viewed', '2025-02-26T23:59:59Z'), ev('page_viewed', '2025-02-27T00:00:00Z')],
      model,
    );
    expect(contributions.map((c) => [c.occurredAt, c.points])).toEqual([
      ['2025-02-20T00:00:00Z', 5],
      ['2025-02-27T00:00:00Z', 5],
    ]);
    expect(contributions[0]?.reason).toBe('page_viewed');
  });

  it('caps negative rules by magnitude', () => {
    const model = modelWith([pageView({ points: -6, cap: { points: 10, per: 'week' } })]);
    // Monday to Wednesday: one ISO week.
    const { contributions } = scoreEvents([3, 4, 5].map((n) => ev('page_viewed', `2025-03-0${n}T10:00:00Z`)), model);
    expect(points(contributions)).toEqual([-6, -4]);
  });

  it('clips fractional points without floating-point crumbs', () => {
    const model = modelWith([pageView({ points: 0.3, cap: { points: 1, per: 'day' } })]);
    const { contributions } = scoreEvents([1, 2, 3, 4, 5].map((n) => ev('page_viewed', `2025-03-01T0${n}:00:00Z`)), model);
    expect(points(contributions)).toEqual([0.3, 0.3, 0.3, 0.1]);
  });

  it('a cap smaller than the rule clips the very first event', () => {
    const model = modelWith([pageView({ points: 50, cap: { points: 30, per: 'day' } })]);
    const { contributions } = scoreEvents([ev('page_viewed', '2025-03-01T10:00:00Z'), ev('page_viewed', '2025-03-01T11:00:00Z')], model);
    expect(points(contributions)).toEqual([30]);
    expect(contributions[0]?.reason).toBe('page_viewed (capped at 30 points per day)');
  });
});

describe('arrival order does not matter', () => {
  // Points that do not divide the caps, so which event gets clipped depends on the order.
  const clipping = modelWith([
    pageView({ points: 3, cap: { points: 10, per: 'day' } }),
    { id: 'pricing', event: 'page_viewed', where: [{ property: 'path', op: 'eq', value: '/pricing' }], points: 4, cap: { points: 10, per: 'hour' } },
    { id: 'click', event: 'email_clicked', points: 2.5, cap: { points: 6, per: 'day' } },
    { id: 'form', event: 'form_submitted', points: 10 },
  ]);
  const paths = ['/', '/pricing', '/product/journeys', '/quote', '/careers/dev', '/blog/x'];
  const types = ['page_viewed', 'page_viewed', 'page_viewed', 'email_opened', 'email_clicked', 'form_submitted', 'cart_updated', 'quote_requested'];
  const events = Array.from({ length: 300 }, (_, i) =>
    ev(
      types[i % types.length] ?? 'page_viewed',
      // Many events share a timestamp so the id tie-break matters; they span several days.
      new Date(Date.UTC(2025, 2, 1) + Math.floor(i / 3) * 37 * 60_000).toISOString(),
      { path: paths[i % paths.length], durationSeconds: (i * 17) % 120, form: i % 2 === 0 ? 'guide' : 'contact' },
      `e-${(i * 7919) % 1000}`,
    ),
  );

  it.each([
    ['the default model', defaultScoringModel],
    ['a model that clips partially', clipping],
  ])('any shuffle gives the same ledger and the same state (%s)', (_name, model) => {
    const reference = scoreEvents(events, model);
    expect(reference.contributions.length).toBeGreaterThan(50);
    for (const seed of [1, 2, 3, 42, 2025]) {
      const again = scoreEvents(shuffled(events, seed), model);
      expect(again.contributions).toEqual(reference.contributions);
      expect(again.state).toEqual(reference.state);
      expect(again.events.map((e) => e.id)).toEqual(reference.events.map((e) => e.id));
    }
  });

  it('the clipping case really clips', () => {
    const { contributions } = scoreEvents(events, clipping);
    expect(contributions.filter((c) => c.reason.includes('capped')).map((c) => c.points)).toContain(1);
  });

  it('orders events of the same millisecond by id', () => {
    const m = modelWith([pageView({ points: 6, cap: { points: 10, per: 'day' } })]);
    const at = '2025-03-01T10:00:00.000Z';
    const { contributions } = scoreEvents([ev('page_viewed', at, {}, 'b'), ev('page_viewed', at, {}, 'a')], m);
    expect(contributions.map((c) => [c.eventId, c.points])).toEqual([
      ['a', 6],
      ['b', 4],
    ]);
  });

  it('counts an event delivered twice once', () => {
    const m = modelWith([pageView()]);
    const e = ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'dup');
    const { contributions, events: scored } = scoreEvents([e, { ...e }, e], m);
    expect(contributions).toHaveLength(1);
    expect(scored).toHaveLength(1);
  });
});

describe('incremental scoring', () => {
  const model = compileScoringModel(defaultScoringModel);
  const stream = Array.from({ length: 200 }, (_, i) =>
    ev(
      i % 5 === 0 ? 'email_clicked' : 'page_viewed',
      new Date(Date.UTC(2025, 2, 1) + i * 41 * 60_000).toISOString(),
      { path: i % 3 === 0 ? '/pricing' : '/product/x', durationSeconds: i % 90 },
    ),
  );

  const storedAndRead = (state: ScoringState, as = model) => decodeScoringState(JSON.parse(JSON.stringify(encodeScoringState(state))), as);

  it('stores a state and reads back the same state, for a fresh one, a scored one and one asking for a re-score', () => {
    const fresh = createScoringState(model);
    const scored = scoreEvents(stream, model).state;
    const rescore = { ...scored, counters: [...scored.counters], needsRescore: true };
    for (const state of [fresh, scored, rescore]) expect(storedAndRead(state)).toEqual(state);
  });

  it('stores only the cap slots in use: a contact who viewed one page writes the slots of the rules it matched', () => {
    const scored = scoreEvents([ev('page_viewed', '2025-03-01T10:00:00Z', { path: '/product/x' }, '41')], model);
    const stored = JSON.parse(JSON.stringify(encodeScoringState(scored.state))) as { caps: number[]; last: string; rescore?: boolean };
    const cappedRuleIds = new Set(model.cappedRules.map((rule) => rule.id));
    const matched = scored.contributions.filter((line) => cappedRuleIds.has(line.ruleId)).length;
    expect(matched).toBeGreaterThan(0);
    expect(stored.caps).toHaveLength(5 * matched);
    expect(matched).toBeLessThan(model.cappedRules.length);
    expect(stored.last).toBe('41');
    expect(stored.rescore).toBeUndefined();
  });

  it('reads back nothing, so the contact is re-scored, for another model or version and for what is not a stored state', () => {
    const stored = JSON.parse(JSON.stringify(encodeScoringState(scoreEvents(stream, model).state))) as Record<string, unknown>;
    expect(decodeScoringState(stored, model)).toBeDefined();
    expect(decodeScoringState(stored, compileScoringModel({ ...defaultScoringModel, version: 2 }))).toBeUndefined();
    expect(decodeScoringState(stored, compileScoringModel({ ...defaultScoringModel, id: 'other' }))).toBeUndefined();
    const slots = model.cappedRules.length;
    const broken: unknown[] = [
      null,
      'state',
      [],
      // The form before migration 0012.
      { modelId: model.id, modelVersion: model.version, lastEventId: '', counters: createScoringState(model).counters, needsRescore: false },
      { ...stored, model: 3 },
      { ...stored, version: '1' },
      { ...stored, last: undefined },
      { ...stored, at: 'yesterday' },
      { ...stored, at: null },
      { ...stored, caps: 'many' },
      { ...stored, caps: [0, 1, 2, 3] },
      { ...stored, caps: [slots, 1, 0, -2, 0] },
      { ...stored, caps: [-1, 1, 0, -2, 0] },
      { ...stored, caps: [0.5, 1, 0, -2, 0] },
      { ...stored, caps: [0, '1', 0, -2, 0] },
      { ...stored, caps: [0, 1, null, -2, 0] },
      { ...stored, rescore: false },
    ];
    for (const value of broken) expect(decodeScoringState(value, model)).toBeUndefined();
  });

  it('event by event, in order, gives exactly the batch ledger and state', () => {
    const state = createScoringState(model);
    const ledger: Contribution[] = [];
    for (const e of stream) ledger.push(...scoreEvent(state, e, model));
    const batch = scoreEvents(stream, model);
    expect(ledger).toEqual(batch.contributions);
    expect(state).toEqual(batch.state);
    expect(state.needsRescore).toBe(false);
  });

  it('continues from a batch state and from a JSON round trip of it', () => {
    const head = scoreEvents(stream.slice(0, 120), model);
    const stored = storedAndRead(head.state)!;
    const tail: Contribution[] = [];
    for (const e of stream.slice(120)) scoreEvent(stored, e, model, tail);
    expect([...head.contributions, ...tail]).toEqual(scoreEvents(stream, model).contributions);
  });

  it('appends to `into` and returns it; returns an empty array when nothing scored', () => {
    const state = createScoringState(model);
    const into: Contribution[] = [];
    const returned = scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z', { path: '/pricing' }), model, into);
    expect(returned).toBe(into);
    expect(into.map((c) => c.ruleId)).toEqual(['page-view', 'pricing-page-view']);
    expect(scoreEvent(state, ev('session_started', '2025-03-01T10:01:00Z'), model)).toEqual([]);
  });

  it('accepts the plain model document as well as the compiled one', () => {
    const state = createScoringState(defaultScoringModel);
    const out = scoreEvent(state, ev('quote_requested', '2025-03-01T10:00:00Z'), defaultScoringModel);
    expect(out.map((c) => [c.ruleId, c.points])).toEqual([['quote-requested', 50]]);
  });

  it('detects late events', () => {
    const state = createScoringState(model);
    expect(isLate(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'b'))).toBe(false);
    scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'b'), model);
    expect(isLate(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'a'))).toBe(true);
    expect(isLate(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'b'))).toBe(true);
    expect(isLate(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'c'))).toBe(false);
    expect(isLate(state, ev('page_viewed', '2025-03-01T09:59:59Z'))).toBe(true);
  });

  const capped = modelWith([pageView({ points: 6, cap: { points: 10, per: 'day' } })]);

  it('a late event in the current period keeps the period total at the cap', () => {
    const state = createScoringState(capped);
    const ledger: Contribution[] = [];
    scoreEvent(state, ev('page_viewed', '2025-03-01T11:00:00Z', {}, 'b'), capped, ledger);
    scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z', {}, 'a'), capped, ledger);
    expect(ledger.map((c) => [c.eventId, c.points])).toEqual([
      ['b', 6],
      ['a', 4],
    ]);
    expect(total(ledger)).toBe(total(scoreEvents([ev('page_viewed', '2025-03-01T11:00:00Z'), ev('page_viewed', '2025-03-01T10:00:00Z')], capped).contributions));
    expect(state.needsRescore).toBe(false);
  });

  it('a late event that crossed midnight is capped exactly against the previous day', () => {
    const state = createScoringState(capped);
    const ledger: Contribution[] = [];
    scoreEvent(state, ev('page_viewed', '2025-03-01T23:00:00Z'), capped, ledger); // 6
    scoreEvent(state, ev('page_viewed', '2025-03-02T00:00:01Z'), capped, ledger); // 6, new day
    scoreEvent(state, ev('page_viewed', '2025-03-01T23:59:59Z'), capped, ledger); // late: 4 left on 1 March
    scoreEvent(state, ev('page_viewed', '2025-03-01T23:59:59.500Z'), capped, ledger); // late: 1 March is full
    expect(points(ledger)).toEqual([6, 6, 4]);
    expect(state.needsRescore).toBe(false);
  });

  it('a late event older than the two kept periods is not scored and asks for a re-score', () => {
    const state = createScoringState(capped);
    scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z'), capped);
    scoreEvent(state, ev('page_viewed', '2025-03-03T10:00:00Z'), capped);
    scoreEvent(state, ev('page_viewed', '2025-03-05T10:00:00Z'), capped);
    const late = scoreEvent(state, ev('page_viewed', '2025-03-02T10:00:00Z'), capped);
    expect(late).toEqual([]);
    expect(state.needsRescore).toBe(true);
  });

  it('a late event older than the relevance window gives nothing and needs no re-score', () => {
    const m = modelWith([pageView()]);
    const state = createScoringState(m);
    scoreEvent(state, ev('page_viewed', '2025-06-01T00:00:00Z'), m);
    expect(scoreEvent(state, ev('page_viewed', '2025-03-02T23:59:59Z'), m)).toEqual([]); // 91 days before
    expect(scoreEvent(state, ev('page_viewed', '2025-03-03T00:00:00Z'), m)).toHaveLength(1); // exactly 90 days
    expect(state.needsRescore).toBe(false);
  });

  it('refuses a state of another model version', () => {
    const v2 = compileScoringModel({ ...defaultScoringModel, version: 2 });
    const state = createScoringState(model);
    expect(() => scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z'), v2)).toThrow(/b2b-default@1 used with model b2b-default@2/);
  });

  it('refuses a state whose counters do not fit the model', () => {
    const state = createScoringState(model);
    const fitting = state.counters.length;
    expect(fitting).toBe(1 + 4 * model.cappedRules.length);
    state.counters.pop();
    expect(() => scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00Z'), model)).toThrow(`has ${fitting - 1} counters, not ${fitting}`);
  });

  it('refuses timestamps that are not instants', () => {
    const state = createScoringState(model);
    expect(() => scoreEvent(state, ev('page_viewed', '2025-03-01T10:00:00'), model)).toThrow(RangeError);
    expect(() => scoreEvents([ev('page_viewed', 'soon')], model)).toThrow(/occurredAt/);
  });

  it('ScoringEvent validates events at the boundary', () => {
    expect(ScoringEvent.safeParse(ev('page_viewed', '2025-03-01T10:00:00+01:00')).success).toBe(true);
    expect(ScoringEvent.safeParse(ev('page_viewed', '2025-03-01T10:00:00')).success).toBe(false);
    expect(ScoringEvent.safeParse({ id: '', type: 'x', occurredAt: '2025-03-01T10:00:00Z', properties: {} }).success).toBe(false);
  });
});

describe('default model', () => {
  it('scores a realistic visit: pricing page views, a long read, a guide and an opened e-mail', () => {
    const day = '2025-03-01T';
    const { contributions } = scoreEvents(
      [
        ev('page_viewed', `${day}09:00:00Z`, { path: '/' }),
        ev('page_viewed', `${day}09:01:00Z`, { path: '/pricing', durationSeconds: 75 }),
        ev('page_viewed', `${day}09:03:00Z`, { path: '/pricing/enterprise' }),
        ev('page_viewed', `${day}09:04:00Z`, { path: '/pricing' }),
        ev('page_viewed', `${day}09:05:00Z`, { path: '/pricing' }), // pricing cap (15/day) reached
        ev('form_submitted', `${day}09:06:00Z`, { form: 'Guide' }),
        ev('email_opened', `${day}12:00:00Z`),
      ],
      defaultScoringModel,
    );
    const byRule = new Map<string, number>();
    for (const c of contributions) byRule.set(c.ruleId, (byRule.get(c.ruleId) ?? 0) + c.points);
    expect(Object.fromEntries(byRule)).toEqual({
      'page-view': 5,
      'pricing-page-view': 15,
      'long-page-view': 2,
      'form-submitted': 10,
      'guide-downloaded': 5,
      'email-opened': 1,
    });
  });
});
