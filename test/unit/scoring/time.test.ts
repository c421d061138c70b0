import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  dayBucket,
  daysBucket,
  daysFromCivil,
  hourBucket,
  monthBucket,
  monthIndexOfDay,
  parseIsoMs,
  toEpochMs,
  weekBucket,
} from '../../../domain/scoring/time.js';

describe('parseIsoMs', () => {
  it('agrees with Date.parse on the fast shapes across centuries and leap days', () => {
    const samples = [
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2025-01-01T00:00:00.000Z',
      '2100-03-01T00:00:00Z',
      '1900-03-01T00:00:00Z',
    ];
    for (const s of samples) expect(parseIsoMs(s), s).toBe(Date.parse(s));
    // Every day of four years, at an odd time of day.
    for (let day = daysFromCivil(2023, 1, 1); day < daysFromCivil(2027, 1, 1); day++) {
      const iso = new Date(day * DAY_MS + 45_296_789).toISOString();
      expect(parseIsoMs(iso)).toBe(Date.parse(iso));
    }
  });

  it('accepts explicit offsets through the slow path', () => {
    expect(parseIsoMs('2025-03-01T01:30:00+02:00')).toBe(Date.parse('2025-02-28T23:30:00Z'));
    expect(parseIsoMs('2025-03-01T01:30:00.5-05:00')).toBe(Date.parse('2025-03-01T06:30:00.500Z'));
  });

  it('is NaN for impossible dates, garbage and local times without an offset', () => {
    for (const s of [
      '2025-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T00:60:00Z',
      '2025-01-01T00:00:60Z',
      '2025-0a-01T00:00:00Z',
      '2025-01-01T00:00:00', // local time: would depend on the machine
      'yesterday',
      '',
    ]) {
      expect(parseIsoMs(s), s).toBeNaN();
    }
  });

  it('toEpochMs passes numbers through and throws RangeError on invalid input', () => {
    expect(toEpochMs(1234)).toBe(1234);
    expect(toEpochMs('1970-01-01T00:00:01Z')).toBe(1000);
    expect(() => toEpochMs('2025-01-01T00:00:00', 'at')).toThrow(RangeError);
    expect(() => toEpochMs(Number.NaN)).toThrow(/not a valid/);
  });
});

describe('civil calendar arithmetic', () => {
  it('matches Date for every day from 1960 to 2110', () => {
    for (let day = daysFromCivil(1960, 1, 1); day < daysFromCivil(2110, 1, 1); day += 1) {
      const d = new Date(day * DAY_MS);
      const month = monthIndexOfDay(day);
      expect(month).toBe(d.getUTCFullYear() * 12 + d.getUTCMonth());
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / DAY_MS);
  });
});

describe('cap buckets', () => {
  const at = (iso: string) => Date.parse(iso);

  it('hour and day change exactly at the UTC boundary', () => {
    expect(hourBucket(at('2025-03-01T10:59:59.999Z'))).toBe(hourBucket(at('2025-03-01T10:00:00.000Z')));
    expect(hourBucket(at('2025-03-01T11:00:00.000Z'))).toBe(hourBucket(at('2025-03-01T10:00:00.000Z')) + 1);
    expect(dayBucket(at('2025-03-01T23:59:59.999Z'))).toBe(dayBucket(at('2025-03-01T00:00:00.000Z')));
    expect(dayBucket(at('2025-03-02T00:00:00.000Z'))).toBe(dayBucket(at('2025-03-01T00:00:00.000Z')) + 1);
  });

  it('weeks start on Monday 00:00 UTC', () => {
    // 2025-03-03 is a Monday.
    const monday = weekBucket(at('2025-03-03T00:00:00.000Z'));
    expect(weekBucket(at('2025-03-02T23:59:59.999Z'))).toBe(monday - 1);
    expect(weekBucket(at('2025-03-09T23:59:59.999Z'))).toBe(monday);
    expect(weekBucket(at('2025-03-10T00:00:00.000Z'))).toBe(monday + 1);
    // Before 1970 too (floor, not truncation).
    expect(weekBucket(at('1969-12-29T00:00:00Z'))).toBe(0);
    expect(weekBucket(at('1969-12-28T23:59:59Z'))).toBe(-1);
  });

  it('months follow the calendar, leap years included', () => {
    const feb = monthBucket(at('2024-02-01T00:00:00Z'));
    expect(monthBucket(at('2024-01-31T23:59:59.999Z'))).toBe(feb - 1);
    expect(monthBucket(at('2024-02-29T23:59:59.999Z'))).toBe(feb);
    expect(monthBucket(at('2024-03-01T00:00:00Z'))).toBe(feb + 1);
    expect(monthBucket(at('2024-12-31T23:59:59Z')) + 1).toBe(monthBucket(at('2025-01-01T00:00:00Z')));
  });

  it('n-day windows are counted from 1970-01-01 UTC', () => {
    const week = daysBucket(7);
    expect(week(0)).toBe(0);
    expect(week(7 * DAY_MS - 1)).toBe(0);
    expect(week(7 * DAY_MS)).toBe(1);
    expect(week(-1)).toBe(-1);
  });
});
