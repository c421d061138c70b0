import { describe, expect, it } from 'vitest';
import { addBusinessHours, BusinessHours } from '../../../domain/handoff/index.js';

const paris = BusinessHours.parse({ timeZone: 'Europe/Paris' });

describe('addBusinessHours', () => {
  it('carries the hours left on Friday evening over the weekend: Friday 16:00 + 4 h is Monday 11:00 in Paris', () => {
    // 2026-11-20 is a Friday; Paris is UTC+1 in November.
    expect(addBusinessHours(new Date('2026-11-20T15:00:00Z'), 4, paris).toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('counts from the opening when started before it, and within the same day when it fits', () => {
    expect(addBusinessHours(new Date('2026-11-18T05:30:00Z'), 2, paris).toISOString()).toBe('2026-11-18T10:00:00.000Z');
    expect(addBusinessHours(new Date('2026-11-18T09:15:00Z'), 1.5, paris).toISOString()).toBe('2026-11-18T10:45:00.000Z');
  });

  it('starts on the next working day when started after closing or at the weekend', () => {
    expect(addBusinessHours(new Date('2026-11-18T19:00:00Z'), 1, paris).toISOString()).toBe('2026-11-19T09:00:00.000Z');
    expect(addBusinessHours(new Date('2026-11-21T12:00:00Z'), 1, paris).toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('spans several days: 20 business hours from Monday 09:00 is Wednesday 11:00', () => {
    expect(addBusinessHours(new Date('2026-11-23T08:00:00Z'), 20, paris).toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('follows the time zone across a daylight-saving change (Paris goes to UTC+2 on 2026-03-29)', () => {
    // Friday 27 March 17:00 (UTC+1) + 2 h: 1 h on Friday, 1 h on Monday 30 March from 09:00 (UTC+2).
    expect(addBusinessHours(new Date('2026-03-27T16:00:00Z'), 2, paris).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('uses the configured days and hours in another zone', () => {
    const newYork = BusinessHours.parse({ timeZone: 'America/New_York', days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '12:00' });
    // Friday 2026-11-20 11:00 New York (UTC-5) + 3 h: 1 h Friday, 2 h Saturday from 08:00.
    expect(addBusinessHours(new Date('2026-11-20T16:00:00Z'), 3, newYork).toISOString()).toBe('2026-11-21T15:00:00.000Z');
  });

  it('refuses business hours that are not a schedule', () => {
    expect(BusinessHours.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
    const inverted = BusinessHours.safeParse({ timeZone: 'Europe/Paris', start: '18:00', end: '09:00' });
    expect(inverted.success).toBe(false);
    expect(inverted.error?.issues[0]?.path).toEqual(['end']);
  });
});
