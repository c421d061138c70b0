import { describe, expect, it } from 'vitest';
import { AudienceSegment, broadcastStartsAt, countsFromRows, NewsletterSchedule, recipientSendAt, zonedTimeToInstant } from '../../domain/newsletter.js';

describe('newsletter schedule', () => {
  it('turns a local time into the instant each time zone reaches it', () => {
    expect(zonedTimeToInstant('2026-06-15', '09:00', 'Europe/Paris').toISOString()).toBe('2026-06-15T07:00:00.000Z');
    expect(zonedTimeToInstant('2026-01-15', '09:00', 'Europe/Paris').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedTimeToInstant('2026-06-15', '09:00', 'America/New_York').toISOString()).toBe('2026-06-15T13:00:00.000Z');
    expect(zonedTimeToInstant('2026-06-15', '09:00', 'Asia/Kolkata').toISOString()).toBe('2026-06-15T03:30:00.000Z');
  });

  it('resolves a time skipped by daylight saving an hour later, and a repeated one to its first occurrence', () => {
    // Paris, 29 March 2026: 02:00 → 03:00. 02:30 does not exist; 03:30 CEST is 01:30Z.
    expect(zonedTimeToInstant('2026-03-29', '02:30', 'Europe/Paris').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Paris, 25 October 2026: 03:00 → 02:00. 02:30 happens twice; the first is 02:30 CEST, 00:30Z.
    expect(zonedTimeToInstant('2026-10-25', '02:30', 'Europe/Paris').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('uses the recipient’s timezone trait, else the fallback zone', () => {
    const schedule = NewsletterSchedule.parse({ kind: 'local-time', date: '2026-06-15', time: '09:00', fallbackTimeZone: 'Europe/London' });
    const now = new Date('2026-06-01T00:00:00Z');
    expect(recipientSendAt(schedule, 'Asia/Tokyo', now).toISOString()).toBe('2026-06-15T00:00:00.000Z');
    expect(recipientSendAt(schedule, 'Not/AZone', now).toISOString()).toBe('2026-06-15T08:00:00.000Z');
    expect(recipientSendAt(schedule, 42, now).toISOString()).toBe('2026-06-15T08:00:00.000Z');
    expect(recipientSendAt({ kind: 'now' }, 'Asia/Tokyo', now)).toBe(now);
  });

  it('starts a local-time broadcast when the first time zone reaches the hour', () => {
    expect(broadcastStartsAt(NewsletterSchedule.parse({ kind: 'local-time', date: '2026-06-15', time: '09:00' }))?.toISOString()).toBe('2026-06-14T19:00:00.000Z');
    expect(broadcastStartsAt({ kind: 'now' })).toBeNull();
  });

  it('names the field and the reason of a bad schedule', () => {
    const result = NewsletterSchedule.safeParse({ kind: 'local-time', date: '2026-06-15', time: '25:00', fallbackTimeZone: 'Mars/Olympus' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['time', 'expected HH:MM, 24-hour clock'],
      ['fallbackTimeZone', 'unknown IANA time zone'],
    ]);
  });
});

describe('audience segment', () => {
  it('accepts stages, a score range, trait conditions and last activity', () => {
    const segment = AudienceSegment.parse({
      stages: ['lead', 'mql'],
      score: { min: 10, max: 80 },
      traits: [{ name: 'country', op: 'in', values: ['FR', 'BE'] }, { name: 'employees', op: 'gte', value: 50 }],
      lastActivity: { withinDays: 90 },
    });
    expect(segment.traits).toHaveLength(2);
  });

  it('refuses an inverted score range, an unknown stage and an unknown field', () => {
    const result = AudienceSegment.safeParse({ stages: ['prospect'], score: { min: 5, max: 1 }, colour: 'blue' });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.') || issue.message);
    expect(paths).toEqual(expect.arrayContaining(['stages.0', 'score']));
    expect(result.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
  });

  it('refuses last-activity windows past a century, which have no date to compare with (the fuzzer sent 250 million days)', () => {
    const result = AudienceSegment.safeParse({ lastActivity: { withinDays: 250_249_628, notWithinDays: 36_500 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['lastActivity.withinDays']);
  });
});

describe('newsletter counts', () => {
  it('counts every recipient once, skipped ones per reason', () => {
    expect(
      countsFromRows([
        { status: 'sent', reason: null, count: 7 },
        { status: 'skipped', reason: 'no-email-address', count: 2 },
        { status: 'skipped', reason: 'unsubscribed', count: 1 },
        { status: 'queued', reason: 'quiet-hours', count: 3 },
        { status: 'failed', reason: 'SmtpPermanentFailure', count: 1 },
      ]),
    ).toEqual({ total: 14, queued: 3, sent: 7, skipped: { 'no-email-address': 2, unsubscribed: 1 }, failed: 1 });
  });
});
