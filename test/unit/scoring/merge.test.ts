import { describe, expect, it } from 'vitest';
import { ScoringModel, defaultScoringModel, mergeScoringState, scoreEvent, scoreEvents } from '../../../domain/scoring/index.js';
import { ev, shuffled } from './helpers.js';

const model = defaultScoringModel;

// An anonymous visitor browsing before filling in a form, and the known contact it turns out to be.
const anonymous = scoreEvents(
  [
    ...Array.from({ length: 8 }, (_, i) => ev('page_viewed', `2025-03-01T09:0${i}:00Z`, { path: '/pricing' }, `anon-${i}`)),
    ev('page_viewed', '2025-03-02T10:00:00Z', { path: '/product/journeys' }, 'anon-next-day'),
  ],
  model,
);
const known = scoreEvents(
  [
    ...Array.from({ length: 6 }, (_, i) => ev('page_viewed', `2025-03-01T14:0${i}:00Z`, { path: '/' }, `known-${i}`)),
    ev('form_submitted', '2025-03-01T14:10:00Z', { form: 'contact' }, 'known-form'),
    ev('email_opened', '2025-03-03T08:00:00Z', {}, 'known-open'),
  ],
  model,
);

function pointsOf(ruleId: string, history: { contributions: { ruleId: string; points: number }[] }): number {
  return history.contributions.filter((c) => c.ruleId === ruleId).reduce((sum, c) => sum + c.points, 0);
}

describe('mergeScoringState', () => {
  const merged = mergeScoringState(anonymous, known, model);

  it('re-applies caps across the two profiles instead of adding their ledgers', () => {
    // Each profile alone stayed under the page-view cap of 10 a day on 1 March: 8 + 6 views.
    expect(pointsOf('page-view', anonymous) + pointsOf('page-view', known)).toBe(15);
    // Together they are one person, and one cap: 10 on 1 March, + 1 on 2 March.
    expect(pointsOf('page-view', merged)).toBe(11);
    expect(pointsOf('pricing-page-view', merged)).toBe(15);
    expect(pointsOf('form-submitted', merged)).toBe(10);
    expect(merged.events).toHaveLength(anonymous.events.length + known.events.length);
  });

  it('is the batch score of the union of the events', () => {
    expect(merged).toEqual(scoreEvents(shuffled([...anonymous.events, ...known.events], 7), model));
  });

  it('is order-independent: a ∪ b = b ∪ a', () => {
    expect(mergeScoringState(known, anonymous, model)).toEqual(merged);
  });

  it('is idempotent: merging twice is merging once', () => {
    expect(mergeScoringState(merged, known, model)).toEqual(merged);
    expect(mergeScoringState(merged, anonymous, model)).toEqual(merged);
    expect(mergeScoringState(merged, merged, model)).toEqual(merged);
  });

  it('is associative, so a chain of merges lands in one place', () => {
    const third = scoreEvents([ev('cart_updated', '2025-03-02T11:00:00Z', { cartId: 'c1' }, 'third-cart')], model);
    const left = mergeScoringState(mergeScoringState(anonymous, known, model), third, model);
    const right = mergeScoringState(anonymous, mergeScoringState(known, third, model), model);
    expect(left).toEqual(right);
  });

  it('counts an event both profiles hold once', () => {
    const shared = ev('quote_requested', '2025-03-01T15:00:00Z', {}, 'shared-quote');
    const a = scoreEvents([...anonymous.events, shared], model);
    const b = scoreEvents([...known.events, shared], model);
    const m = mergeScoringState(a, b, model);
    expect(m.contributions.filter((c) => c.eventId === 'shared-quote')).toHaveLength(1);
    expect(pointsOf('quote-requested', m)).toBe(50);
  });

  it('gives a state the incremental scorer continues from', () => {
    const later = ev('email_clicked', '2025-03-04T09:00:00Z', {}, 'later-click');
    const out = scoreEvent(merged.state, later, model);
    expect(out.map((c) => [c.ruleId, c.points])).toEqual([['email-clicked', 3]]);
  });

  it('re-scores histories of an older model version with the given model', () => {
    const v2 = ScoringModel.parse({
      ...defaultScoringModel,
      version: 2,
      engagement: { rules: [{ id: 'page-view', event: 'page_viewed', points: 2 }] },
    });
    const m = mergeScoringState(anonymous, known, v2);
    expect(m.state.modelVersion).toBe(2);
    expect(pointsOf('page-view', m)).toBe(2 * 15);
  });
});
