// The rules applied right before every e-mail leaves: consent, suppression, the per-contact
// marketing budget and quiet hours. Pure: the facts and the time are arguments.

import { isTimeZone, wallClock } from './time-zone.js';

export type EmailCategory = 'marketing' | 'transactional';
export type SubscriptionStatus = 'subscribed' | 'pending' | 'unsubscribed';
export type SuppressionReason = 'hard_bounce' | 'complaint' | 'manual';

/** The topic an unsubscribe from "everything" is recorded under; never a real topic. */
export const ALL_TOPICS = 'all';
export const KNOWN_TOPICS = ['newsletter', 'promotions', 'product_news'] as const;
/** Topic names: the known ones or free names of the same shape. */
export const TOPIC_PATTERN = /^[a-z0-9][a-z0-9_]{0,39}$/;

export const BUDGET_WINDOW_MS = 7 * 86_400_000;

/** Quiet hours as minutes of the local day; `start > end` wraps over midnight (21:00–08:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export interface SendPolicy {
  /** At most this many marketing e-mails per contact per rolling 7 days, across journeys and newsletters. */
  marketingPerWeek: number;
  overBudget: 'defer' | 'skip';
  quietHours: QuietHours | null;
  /** Used when the contact has no valid `timezone` trait. */
  defaultTimeZone: string;
}

export interface SendFacts {
  category: EmailCategory;
  topic: string | null;
  /** The contact's status for `topic`; null when never asked. */
  topicStatus: SubscriptionStatus | null;
  /** True when the contact unsubscribed from all marketing mail. */
  unsubscribedFromAll: boolean;
  /**
   * True while the contact's `marketing_paused` trait is true: someone is handling a complaint (the
   * satisfaction journey sets it for a detractor), and no promotion may cross that conversation.
   */
  marketingPaused: boolean;
  suppression: SuppressionReason | null;
  /** Marketing e-mails handed to SMTP for this contact in the budget window, and the oldest of them. */
  marketingSentInWindow: number;
  oldestMarketingSentAt: Date | null;
  timeZone: string | null;
}

export type SendDecision =
  | { action: 'send' }
  | { action: 'skip'; reason: string }
  | { action: 'defer'; until: Date; reason: string };

/**
 * Marketing mail needs: no suppression of the address, no unsubscribe from everything, no marketing
 * pause on the contact (an open complaint), and when it
 * has a topic, a confirmed subscription to it (a pending double opt-in is not consent yet). Then the
 * budget and quiet hours may defer it. Transactional mail is exempt from consent, budget and quiet
 * hours; only a hard bounce stops it (the address does not exist).
 */
export function decideSend(facts: SendFacts, policy: SendPolicy, now: Date): SendDecision {
  if (facts.suppression === 'hard_bounce') return { action: 'skip', reason: 'suppressed: hard_bounce' };
  if (facts.category === 'transactional') return { action: 'send' };

  if (facts.suppression !== null) return { action: 'skip', reason: `suppressed: ${facts.suppression}` };
  if (facts.unsubscribedFromAll) return { action: 'skip', reason: 'unsubscribed' };
  if (facts.marketingPaused) return { action: 'skip', reason: 'marketing paused' };
  if (facts.topic !== null) {
    if (facts.topicStatus === 'unsubscribed') return { action: 'skip', reason: 'unsubscribed' };
    if (facts.topicStatus === 'pending') return { action: 'skip', reason: 'consent pending' };
    if (facts.topicStatus === null) return { action: 'skip', reason: 'no consent' };
  }

  if (facts.marketingSentInWindow >= policy.marketingPerWeek) {
    if (policy.overBudget === 'skip') return { action: 'skip', reason: 'over budget' };
    // The budget frees up when the oldest e-mail in the window leaves it.
    const oldest = facts.oldestMarketingSentAt ?? now;
    const until = new Date(Math.max(now.getTime(), oldest.getTime() + BUDGET_WINDOW_MS));
    return { action: 'defer', until, reason: 'over budget' };
  }

  if (policy.quietHours !== null) {
    const end = quietHoursEnd(now, resolveTimeZone(facts.timeZone, policy.defaultTimeZone), policy.quietHours);
    if (end !== null) return { action: 'defer', until: end, reason: 'quiet hours' };
  }
  return { action: 'send' };
}

/** `HH:MM-HH:MM` (or `off`) to quiet hours; undefined for a malformed value. */
export function parseQuietHours(text: string): QuietHours | null | undefined {
  if (text === 'off') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) return undefined;
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  const quiet = { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
  return quiet.startMinute === quiet.endMinute ? null : quiet;
}

/** The contact's IANA zone when it is one, otherwise the default. */
export function resolveTimeZone(timeZone: string | null, fallback: string): string {
  return timeZone !== null && isTimeZone(timeZone) ? timeZone : fallback;
}

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const wall = wallClock(at.getTime(), timeZone);
  return wall.hour * 60 + wall.minute;
}

function inWindow(minute: number, quiet: QuietHours): boolean {
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/**
 * When the quiet hours around `now` end in the contact's zone, or null outside quiet hours. Counting
 * wall-clock minutes is off by the shift on a daylight-saving night, so the result is checked in the
 * zone and corrected once.
 */
export function quietHoursEnd(now: Date, timeZone: string, quiet: QuietHours): Date | null {
  const local = localMinuteOfDay(now, timeZone);
  if (!inWindow(local, quiet)) return null;
  const startOfMinute = now.getTime() - (now.getTime() % MINUTE_MS);
  let end = startOfMinute + ((quiet.endMinute - local + DAY_MINUTES) % DAY_MINUTES) * MINUTE_MS;
  // Signed shortest distance on the 24 h clock between the wall time reached and the one wanted.
  const drift = ((quiet.endMinute - localMinuteOfDay(new Date(end), timeZone) + DAY_MINUTES + DAY_MINUTES / 2) % DAY_MINUTES) - DAY_MINUTES / 2;
  end += drift * MINUTE_MS;
  return new Date(end);
}
