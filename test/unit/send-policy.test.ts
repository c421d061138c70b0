import { describe, expect, it } from 'vitest';
import { decideSend, localMinuteOfDay, parseQuietHours, quietHoursEnd, type SendFacts, type SendPolicy } from '../../domain/send-policy.js';

const policy: SendPolicy = { marketingPerWeek: 3, overBudget: 'defer', quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 }, defaultTimeZone: 'UTC' };
const facts: SendFacts = {
  category: 'marketing',
  topic: 'newsletter',
  topicStatus: 'subscribed',
  unsubscribedFromAll: false,
  marketingPaused: false,
  suppression: null,
  marketingSentInWindow: 0,
  oldestMarketingSentAt: null,
  timeZone: 'Europe/Paris',
};
// 12:00 in Paris (UTC+1 in November).
const noon = new Date('2026-11-23T11:00:00Z');

describe('send decision', () => {
  it('sends subscribed marketing mail in the daytime under budget', () => {
    expect(decideSend(facts, policy, noon)).toEqual({ action: 'send' });
  });

  it.each([
    [{ topicStatus: 'unsubscribed' as const }, 'unsubscribed'],
    [{ unsubscribedFromAll: true }, 'unsubscribed'],
    [{ topicStatus: 'pending' as const }, 'consent pending'],
    [{ topicStatus: null }, 'no consent'],
    [{ suppression: 'complaint' as const }, 'suppressed: complaint'],
    [{ suppression: 'hard_bounce' as const }, 'suppressed: hard_bounce'],
    [{ marketingPaused: true }, 'marketing paused'],
  ])('skips marketing mail when %o', (change, reason) => {
    expect(decideSend({ ...facts, ...change }, policy, noon)).toEqual({ action: 'skip', reason });
  });

  it('sends transactional mail without consent, over budget, in quiet hours, even to a complainer', () => {
    const night = new Date('2026-11-23T23:00:00Z');
    const transactional = { ...facts, category: 'transactional' as const, topicStatus: null, unsubscribedFromAll: true, marketingPaused: true, suppression: 'complaint' as const, marketingSentInWindow: 99 };
    expect(decideSend(transactional, policy, night)).toEqual({ action: 'send' });
    expect(decideSend({ ...transactional, suppression: 'hard_bounce' }, policy, night)).toEqual({ action: 'skip', reason: 'suppressed: hard_bounce' });
  });

  it('defers over budget until the oldest e-mail leaves the 7-day window, or skips when so configured', () => {
    const oldest = new Date('2026-11-20T09:30:00Z');
    const full = { ...facts, marketingSentInWindow: 3, oldestMarketingSentAt: oldest };
    expect(decideSend(full, policy, noon)).toEqual({ action: 'defer', until: new Date('2026-11-27T09:30:00Z'), reason: 'over budget' });
    expect(decideSend(full, { ...policy, overBudget: 'skip' }, noon)).toEqual({ action: 'skip', reason: 'over budget' });
    expect(decideSend({ ...full, marketingSentInWindow: 2 }, policy, noon)).toEqual({ action: 'send' });
  });

  it('defers in quiet hours until 08:00 in the contact’s zone', () => {
    // 22:30 in Paris.
    expect(decideSend(facts, policy, new Date('2026-11-23T21:30:00Z'))).toEqual({ action: 'defer', until: new Date('2026-11-24T07:00:00Z'), reason: 'quiet hours' });
    // The same instant is 16:30 in New York: not quiet there.
    expect(decideSend({ ...facts, timeZone: 'America/New_York' }, policy, new Date('2026-11-23T21:30:00Z'))).toEqual({ action: 'send' });
    // An unknown zone falls back to the default (UTC): 21:30 UTC is quiet until 08:00 UTC.
    expect(decideSend({ ...facts, timeZone: 'Mars/Olympus' }, policy, new Date('2026-11-23T21:30:00Z'))).toEqual({ action: 'defer', until: new Date('2026-11-24T08:00:00Z'), reason: 'quiet hours' });
  });
});

describe('quiet hours arithmetic', () => {
  const overnight = { startMinute: 21 * 60, endMinute: 8 * 60 };

  it('reads the local wall clock of an instant', () => {
    expect(localMinuteOfDay(new Date('2026-07-01T12:34:56Z'), 'Europe/Paris')).toBe(14 * 60 + 34);
    expect(localMinuteOfDay(new Date('2026-07-01T02:00:00Z'), 'America/Los_Angeles')).toBe(19 * 60);
    expect(localMinuteOfDay(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe(17 * 60 + 30);
  });

  it('is null outside the window and at its very end', () => {
    expect(quietHoursEnd(new Date('2026-11-23T12:00:00Z'), 'UTC', overnight)).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-23T08:00:00Z'), 'UTC', overnight)).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-23T20:59:59Z'), 'UTC', overnight)).toBeNull();
  });

  it('ends the same morning after midnight and the next morning before midnight', () => {
    expect(quietHoursEnd(new Date('2026-11-23T03:17:42Z'), 'UTC', overnight)).toEqual(new Date('2026-11-23T08:00:00Z'));
    expect(quietHoursEnd(new Date('2026-11-23T21:00:00Z'), 'UTC', overnight)).toEqual(new Date('2026-11-24T08:00:00Z'));
  });

  it('handles a daytime window', () => {
    const lunch = { startMinute: 12 * 60, endMinute: 14 * 60 };
    expect(quietHoursEnd(new Date('2026-11-23T13:10:00Z'), 'UTC', lunch)).toEqual(new Date('2026-11-23T14:00:00Z'));
    expect(quietHoursEnd(new Date('2026-11-23T11:59:00Z'), 'UTC', lunch)).toBeNull();
  });

  it('lands on 08:00 local across a daylight-saving change during the night', () => {
    // Paris springs forward on 2026-03-29 at 02:00 (UTC+1 → UTC+2): 08:00 local is 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), 'Europe/Paris', overnight)).toEqual(new Date('2026-03-29T06:00:00Z'));
    // And falls back on 2026-10-25 at 03:00 (UTC+2 → UTC+1): 08:00 local is 07:00 UTC.
    expect(quietHoursEnd(new Date('2026-10-24T21:00:00Z'), 'Europe/Paris', overnight)).toEqual(new Date('2026-10-25T07:00:00Z'));
  });

  it('parses HH:MM-HH:MM and off', () => {
    expect(parseQuietHours('21:00-08:00')).toEqual(overnight);
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('09:00-09:00')).toBeNull();
    expect(parseQuietHours('25:00-08:00')).toBeUndefined();
    expect(parseQuietHours('9-8')).toBeUndefined();
  });
});
