import { describe, expect, it } from 'vitest';
import { nextAnniversary } from '../../../domain/journeys/evaluate.js';

const at = (iso: string) => Date.parse(iso);

describe('the next anniversary of a date trait', () => {
  it('is this year when the day is still ahead, next year once it has passed, at the local time of the zone', () => {
    expect(nextAnniversary('1990-12-20', at('2026-12-06T12:00:00Z'), '09:00', 'Europe/Paris')).toBe(at('2026-12-20T08:00:00Z'));
    expect(nextAnniversary('1990-03-01', at('2026-12-06T12:00:00Z'), '09:00', 'Europe/Paris')).toBe(at('2027-03-01T08:00:00Z'));
    // On the day itself, after 9:00: next year.
    expect(nextAnniversary('1990-12-06', at('2026-12-06T12:00:00Z'), '09:00', 'Europe/Paris')).toBe(at('2027-12-06T08:00:00Z'));
  });

  it('follows the contact’s zone and its summer time, and falls back to UTC for an unknown zone', () => {
    expect(nextAnniversary('1985-07-14', at('2026-01-01T00:00:00Z'), '09:00', 'America/New_York')).toBe(at('2026-07-14T13:00:00Z'));
    expect(nextAnniversary('1985-07-14', at('2026-01-01T00:00:00Z'), '09:00', 'Mars/Olympus')).toBe(at('2026-07-14T09:00:00Z'));
  });

  it('keeps a 29 February birthday on the 28th in other years, and reads a date without a year', () => {
    expect(nextAnniversary('2000-02-29', at('2026-12-06T00:00:00Z'), '10:00', 'UTC')).toBe(at('2027-02-28T10:00:00Z'));
    expect(nextAnniversary('2000-02-29', at('2027-12-06T00:00:00Z'), '10:00', 'UTC')).toBe(at('2028-02-29T10:00:00Z'));
    expect(nextAnniversary('--05-17', at('2026-12-06T00:00:00Z'), '09:00', 'UTC')).toBe(at('2027-05-17T09:00:00Z'));
  });

  it('has none for a trait that holds no date', () => {
    for (const value of [undefined, null, 19900517, 'soon', '1990-13-01', '1990-00-10', '']) {
      expect(nextAnniversary(value, at('2026-12-06T00:00:00Z'), '09:00', 'UTC')).toBeUndefined();
    }
  });
});
