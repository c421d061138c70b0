import { z } from 'zod';
import { LifecycleStage } from './scoring/lifecycle.js';
import { isTimeZone, zoneOffsetMs } from './time-zone.js';

// A newsletter is a template, an audience (a segment of contacts) and a schedule. Everything here is
// pure: the audience is compiled to SQL in db/audience.queries.ts, the schedule to instants here.

const TraitName = z.string().regex(/^[A-Za-z0-9_]+$/, 'trait names are letters, digits and _');
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One condition on a trait's current value (whatever its source). */
export const TraitCondition = z.discriminatedUnion('op', [
  z.object({ name: TraitName, op: z.literal('equals'), value: Scalar }),
  z.object({ name: TraitName, op: z.literal('in'), values: z.array(Scalar).min(1).max(1_000) }),
  z.object({ name: TraitName, op: z.literal('exists') }),
  z.object({ name: TraitName, op: z.literal('absent') }),
  z.object({ name: TraitName, op: z.literal('gte'), value: z.number() }),
  z.object({ name: TraitName, op: z.literal('lte'), value: z.number() }),
]);
export type TraitCondition = z.infer<typeof TraitCondition>;

/**
 * Who receives a newsletter, evaluated when the send starts. Every condition must hold; an empty
 * segment is everyone subscribed to the newsletter's topic.
 */
const MAX_ACTIVITY_DAYS = 36_500;

export const AudienceSegment = z
  .strictObject({
    stages: z.array(LifecycleStage).min(1).optional().describe('any of these lifecycle stages'),
    score: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, 'min must not exceed max')
      .optional()
      .describe('engagement score range, decayed to the send time'),
    traits: z.array(TraitCondition).max(20).optional(),
    // Bounded to a century: further back than that is before any activity, and a date before year 0
    // is one neither JavaScript nor PostgreSQL compares.
    lastActivity: z
      .strictObject({
        withinDays: z.number().int().positive().max(MAX_ACTIVITY_DAYS).optional().describe('active in the last N days'),
        notWithinDays: z.number().int().positive().max(MAX_ACTIVITY_DAYS).optional().describe('inactive for at least N days (re-engagement)'),
      })
      .optional(),
  })
  .describe('contacts matching every condition');
export type AudienceSegment = z.infer<typeof AudienceSegment>;

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const NewsletterSchedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('now') }),
  z.strictObject({ kind: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  z.strictObject({
    kind: z.literal('local-time'),
    date: z.iso.date().describe('the day, in each recipient’s own calendar'),
    time: z.string().regex(LOCAL_TIME, 'expected HH:MM, 24-hour clock'),
    fallbackTimeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('UTC').describe('for contacts without a valid `timezone` trait'),
  }),
]);
export type NewsletterSchedule = z.infer<typeof NewsletterSchedule>;

export const NEWSLETTER_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'cancelled', 'completed'] as const;
export type NewsletterStatus = (typeof NEWSLETTER_STATUSES)[number];

export const RECIPIENT_STATUSES = ['queued', 'sent', 'skipped', 'failed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Every recipient is in exactly one of these; `total` is their sum. */
export interface NewsletterCounts {
  total: number;
  queued: number;
  sent: number;
  /** Per reason: no-email-address, unsubscribed, suppressed, cancelled… */
  skipped: Record<string, number>;
  failed: number;
}

export function emptyCounts(): NewsletterCounts {
  return { total: 0, queued: 0, sent: 0, skipped: {}, failed: 0 };
}

export function countsFromRows(rows: readonly { status: string; reason: string | null; count: number }[]): NewsletterCounts {
  const counts = emptyCounts();
  for (const row of rows) {
    counts.total += row.count;
    if (row.status === 'queued') counts.queued += row.count;
    else if (row.status === 'sent') counts.sent += row.count;
    else if (row.status === 'failed') counts.failed += row.count;
    else {
      const reason = row.reason ?? 'unknown';
      counts.skipped[reason] = (counts.skipped[reason] ?? 0) + row.count;
    }
  }
  return counts;
}

/**
 * The instant a wall-clock time on a date is reached in a time zone. A time that happens twice (clocks
 * going back) resolves to its first occurrence; a time that does not exist (clocks going forward)
 * resolves to the same moment of the old offset, i.e. one hour later on the new one (02:30 → 03:30).
 */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const HALF_DAY = 12 * 3_600_000;
  // No zone changes its offset twice within a day: the offsets half a day either side cover both.
  const before = zoneOffsetMs(wall - HALF_DAY, timeZone);
  const after = zoneOffsetMs(wall + HALF_DAY, timeZone);
  const valid = [before, after].map((offset) => wall - offset).filter((instant) => wall - zoneOffsetMs(instant, timeZone) === instant);
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}

/**
 * When a recipient's copy is due: now, at the fixed time, or at the schedule's time in the
 * recipient's own time zone (their `timezone` trait, else the schedule's fallback).
 */
export function recipientSendAt(schedule: NewsletterSchedule, timeZone: unknown, now: Date): Date {
  switch (schedule.kind) {
    case 'now':
      return now;
    case 'at':
      return new Date(schedule.at);
    case 'local-time': {
      const zone = typeof timeZone === 'string' && isTimeZone(timeZone) ? timeZone : schedule.fallbackTimeZone;
      return zonedTimeToInstant(schedule.date, schedule.time, zone);
    }
  }
}

/**
 * When the broadcast starts building its audience: the audience is taken as late as possible, so a
 * contact who joins before the send receives it. For local time that is when the first time zone
 * (UTC+14) reaches the hour.
 */
export function broadcastStartsAt(schedule: NewsletterSchedule): Date | null {
  switch (schedule.kind) {
    case 'now':
      return null;
    case 'at':
      return new Date(schedule.at);
    case 'local-time':
      return zonedTimeToInstant(schedule.date, schedule.time, 'Etc/GMT-14');
  }
}
