import { describe, expect, it } from 'vitest';
import { decayedPoints, engagementScoreAt, roundScore, scoreEvents } from '../../../domain/scoring/index.js';
import type { Contribution } from '../../../domain/scoring/index.js';
import { DAY, ev, modelWith, plusDays } from './helpers.js';

const model = modelWith([{ id: 'page-view', event: 'page_viewed', points: 1 }]);
const AT = '2025-06-01T12:00:00.000Z';

function line(daysAgo: number, points = 10, ruleId = 'r'): Contribution {
  return { eventId: `e-${daysAgo}-${ruleId}`, ruleId, points, occurredAt: plusDays(AT, -daysAgo), reason: 'test' };
}

describe('engagementScoreAt', () => {
  it('counts a contribution of this instant in full', () => {
    expect(engagementScoreAt([line(0)], AT, model).total).toBe(10);
  });

  it('halves exactly every half-life', () => {
    expect(engagementScoreAt([line(30)], AT, model).total).toBe(5);
    expect(engagementScoreAt([line(60)], AT, model).total).toBe(2.5);
    expect(engagementScoreAt([line(90)], AT, model).lines[0]?.decayedPoints).toBe(1.25);
  });

  it('uses the model half-life', () => {
    const fast = modelWith([{ id: 'page-view', event: 'page_viewed', points: 1 }], { halfLifeDays: 7 });
    expect(engagementScoreAt([line(7)], AT, fast).total).toBe(5);
    expect(engagementScoreAt([line(14)], AT, fast).total).toBe(2.5);
  });

  it('decays continuously between half-lives', () => {
    const { lines } = engagementScoreAt([line(15)], AT, model);
    expect(lines[0]?.decayedPoints).toBeCloseTo(10 * Math.SQRT1_2, 12);
  });

  it('ignores contributions older than the window (91 days), keeps the window edge (90 days)', () => {
    const { total, lines } = engagementScoreAt([line(91), line(90), line(90.0001)], AT, model);
    expect(lines.map((l) => l.eventId)).toEqual(['e-90-r']);
    expect(total).toBe(1.25);
  });

  it('is 0 in the far past', () => {
    expect(engagementScoreAt([line(400), line(10_000)], AT, model)).toEqual({ total: 0, lines: [] });
  });

  it('ignores contributions from the future', () => {
    const { total, lines } = engagementScoreAt([line(-1), line(-0.00001), line(0)], AT, model);
    expect(lines.map((l) => l.eventId)).toEqual(['e-0-r']);
    expect(total).toBe(10);
  });

  it('keeps every ledger field and adds the decayed points, line by line', () => {
    const contributions = [line(0, 5, 'a'), line(30, 10, 'b'), line(60, -4, 'c')];
    const { total, lines } = engagementScoreAt(contributions, AT, model);
    expect(lines).toEqual([
      { ...contributions[0], decayedPoints: 5 },
      { ...contributions[1], decayedPoints: 5 },
      { ...contributions[2], decayedPoints: -1 },
    ]);
    expect(total).toBe(9);
  });

  it('rounds the total to 2 decimals from the exact sum', () => {
    // 3 × 10 × 0.5^(1/30) = 29.31479…
    const { total, lines } = engagementScoreAt([line(1, 10, 'a'), line(1, 10, 'b'), line(1, 10, 'c')], AT, model);
    expect(total).toBe(29.31);
    expect(lines[0]?.decayedPoints).toBeCloseTo(9.7716, 4);
  });

  it('takes the instant as ISO string or epoch ms alike', () => {
    const contributions = [line(3), line(45), line(80)];
    expect(engagementScoreAt(contributions, Date.parse(AT), model)).toEqual(engagementScoreAt(contributions, AT, model));
  });

  it('rejects an instant that is not one', () => {
    expect(() => engagementScoreAt([], '2025-06-01', model)).toThrow(RangeError);
    expect(() => engagementScoreAt([], '2025-06-01T12:00:00', model)).toThrow(RangeError);
  });

  it('scores the ledger of real events as time passes', () => {
    const { contributions } = scoreEvents(
      [ev('page_viewed', '2025-03-01T10:00:00Z'), ev('page_viewed', '2025-03-31T10:00:00Z')],
      model,
    );
    const at = (iso: string) => engagementScoreAt(contributions, iso, model).total;
    expect(at('2025-02-28T10:00:00Z')).toBe(0);
    expect(at('2025-03-01T10:00:00Z')).toBe(1);
    expect(at('2025-03-31T10:00:00Z')).toBe(1.5);
    expect(at(new Date(Date.parse('2025-03-31T10:00:00Z') + 30 * DAY).toISOString())).toBe(0.75);
    // 90 days and 1 ms after the first event: it is out; the second is 60 days old.
    expect(at('2025-05-30T10:00:00.001Z')).toBe(0.25);
  });
});

describe('roundScore', () => {
  it('rounds half away from zero in decimal, as PostgreSQL does, where binary rounding would not', () => {
    // 1.005 is stored as 1.00499999999999989…: Math.round(1.005 * 100) / 100 says 1.
    expect(roundScore(1.005)).toBe(1.01);
    expect(roundScore(2.675)).toBe(2.68);
    expect(roundScore(-1.005)).toBe(-1.01);
    expect(roundScore(0.125)).toBe(0.13);
    // Fifteen significant digits decide: this is 2.12500000000000 to PostgreSQL.
    expect(roundScore(2.124999999999999)).toBe(2.13);
    expect(roundScore(2.12499999999)).toBe(2.12);
  });

  it('rounds away from ties like any rounding, and never answers -0', () => {
    expect(roundScore(3.14159)).toBe(3.14);
    expect(roundScore(-3.14159)).toBe(-3.14);
    expect(roundScore(12_345.678)).toBe(12_345.68);
    expect(Object.is(roundScore(-0.001), 0)).toBe(true);
    expect(Object.is(roundScore(-0), 0)).toBe(true);
  });

  it('is the rounding of the engagement total and of the stage reasons', () => {
    const lines = [line(0, 1.005)];
    expect(engagementScoreAt(lines, AT, model).total).toBe(1.01);
  });
});

describe('decayedPoints', () => {
  it('halves points once per half-life', () => {
    expect(decayedPoints(8, 0, DAY)).toBe(8);
    expect(decayedPoints(8, DAY, DAY)).toBe(4);
    expect(decayedPoints(8, 3 * DAY, DAY)).toBe(1);
    expect(decayedPoints(-8, 2 * DAY, DAY)).toBe(-2);
  });
});
