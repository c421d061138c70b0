import { describe, expect, it } from 'vitest';
import { chooseBranch, eventMatches, factsNeeded, nextLocalTime, pickSplitArm, dateTraitTarget } from '../../../domain/journeys/evaluate.js';
import { parseDuration } from '../../../domain/journeys/duration.js';

describe('journey evaluation', () => {
  it('parses durations, negative offsets included', () => {
    expect(parseDuration('1 hour')).toBe(3_600_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('-2 days')).toBe(-172_800_000);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('matches events on type and dotted-path filters', () => {
    const match = { event: 'order_completed', where: [{ path: 'properties.total', op: 'gte' as const, value: 50 }] };
    expect(eventMatches(match, { type: 'order_completed', properties: { total: 80 } })).toBe(true);
    expect(eventMatches(match, { type: 'order_completed', properties: { total: 20 } })).toBe(false);
    expect(eventMatches(match, { type: 'cart_updated', properties: { total: 80 } })).toBe(false);
  });

  it('splits a contact into the same arm every time, and spreads contacts by weight', () => {
    expect(pickSplitArm('c-1', 'j', 'split', [1, 1])).toBe(pickSplitArm('c-1', 'j', 'split', [1, 1]));
    const counts = [0, 0];
    for (let i = 0; i < 4000; i += 1) counts[pickSplitArm(`contact-${i}`, 'j', 'split', [3, 1])]! += 1;
    expect(counts[0]! / 4000).toBeGreaterThan(0.7);
    expect(counts[0]! / 4000).toBeLessThan(0.8);
  });

  it('asks only for the facts its conditions read', () => {
    expect(
      factsNeeded([
        { kind: 'trait', trait: 'plan.tier', op: 'eq', value: 'pro' },
        { kind: 'event_seen', event: 'email_clicked', seen: true },
        { kind: 'last_event', path: 'properties.score', op: 'lte', value: 6 },
      ]),
    ).toEqual({ traits: ['plan'], stage: false, score: false, eventTypes: ['email_clicked'] });
  });

  it('takes the first arm whose conditions all hold', () => {
    const arms = [
      { when: [{ kind: 'last_event' as const, path: 'properties.score', op: 'lte' as const, value: 6 }], next: 'detractor' },
      { when: [{ kind: 'stage' as const, op: 'eq' as const, value: 'customer' as const }, { kind: 'event_seen' as const, event: 'review_posted', seen: false }], next: 'ask' },
    ];
    const facts = { traits: {}, stage: 'customer', eventsSeen: { review_posted: false } };
    expect(chooseBranch(arms, 'default', facts, { type: 'survey_answered', properties: { score: 3 } })).toBe('detractor');
    expect(chooseBranch(arms, 'default', facts, { type: 'survey_answered', properties: { score: 9 } })).toBe('ask');
    expect(chooseBranch(arms, 'default', { ...facts, eventsSeen: { review_posted: true } }, undefined)).toBe('default');
  });

  it('finds the next local time of day in the contact zone, on allowed weekdays', () => {
    // Friday 2026-11-20 16:00 UTC = 17:00 in Paris.
    const now = Date.parse('2026-11-20T16:00:00Z');
    expect(new Date(nextLocalTime(now, '09:00', 'Europe/Paris')).toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(new Date(nextLocalTime(now, '09:00', 'Europe/Paris', ['mon', 'tue', 'wed', 'thu', 'fri'])).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(new Date(nextLocalTime(now, '18:30', 'Europe/Paris')).toISOString()).toBe('2026-11-20T17:30:00.000Z');
    expect(new Date(nextLocalTime(now, '09:00', 'America/New_York')).toISOString()).toBe('2026-11-21T14:00:00.000Z');
    // An unknown zone falls back to UTC.
    expect(new Date(nextLocalTime(now, '09:00', 'Mars/Olympus')).toISOString()).toBe('2026-11-21T09:00:00.000Z');
    // Across the spring DST change in Paris (2026-03-29).
    expect(new Date(nextLocalTime(Date.parse('2026-03-28T12:00:00Z'), '09:00', 'Europe/Paris')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('reads a date trait with an offset', () => {
    expect(dateTraitTarget('2026-12-24', -86_400_000)).toBe(Date.parse('2026-12-23'));
    expect(dateTraitTarget('not a date', 0)).toBeUndefined();
    expect(dateTraitTarget(undefined, 0)).toBeUndefined();
  });
});
