import { describe, expect, it } from 'vitest';
import { composeLeadSummary, decideSlaBreach } from '../../../domain/handoff/index.js';

const rules = (onBreach: 'escalate_to_manager' | 'reassign') => ({
  sla: { acceptWithinHours: 4, reminderAfterHours: 2, timezone: 'Europe/Paris', businessHours: { start: '09:00', end: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const }, onBreach, maxReassignments: 2 },
  fallbackQueue: 'queue@example.com',
});

describe('an SLA that ran out', () => {
  it('does nothing to a lead the rep answered meanwhile', () => {
    expect(decideSlaBreach({ status: 'accepted', owner: 'rep@example.com', managerEmail: 'boss@example.com', rules: rules('reassign') as never, reassignmentsSoFar: 0 })).toEqual({ kind: 'answered', status: 'accepted' });
  });

  it('reassigns while reassignments are left, then escalates', () => {
    const input = { status: 'assigned' as const, owner: 'rep@example.com', managerEmail: 'boss@example.com', rules: rules('reassign') as never };
    expect(decideSlaBreach({ ...input, reassignmentsSoFar: 1 })).toEqual({ kind: 'reassign' });
    expect(decideSlaBreach({ ...input, reassignmentsSoFar: 2 })).toEqual({ kind: 'escalate', to: 'boss@example.com' });
  });

  it('escalates to the manager, else the fallback queue, never back to the queue itself', () => {
    const input = { status: 'assigned' as const, rules: rules('escalate_to_manager') as never, reassignmentsSoFar: 0 };
    expect(decideSlaBreach({ ...input, owner: 'rep@example.com', managerEmail: 'boss@example.com' })).toEqual({ kind: 'escalate', to: 'boss@example.com' });
    expect(decideSlaBreach({ ...input, owner: 'rep@example.com', managerEmail: null })).toEqual({ kind: 'escalate', to: 'queue@example.com' });
    expect(decideSlaBreach({ ...input, owner: 'queue@example.com', managerEmail: null })).toEqual({ kind: 'escalate', to: null });
  });
});

describe('the lead summary a rep reads', () => {
  it('names the person and company, keeps the reasons that weigh most now, and reads the first visit', () => {
    const summary = composeLeadSummary({
      contactId: 'c-1',
      handoff: { reason: 'became MQL', source: 'mql' },
      email: 'ada@example.com',
      traits: { firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical', companySize: '120', postalCode: '75001' },
      lastActivityAt: new Date('2026-12-01T10:00:00Z'),
      firstEvent: { type: 'page_viewed', occurredAt: new Date('2026-11-01T09:00:00Z'), properties: { referrer: 'https://search.example' }, context: { campaign: { source: 'newsletter' } } },
      pages: [{ path: '/pricing', views: 3, lastViewedAt: new Date('2026-12-01T10:00:00Z') }, { path: null, views: 1, lastViewedAt: new Date('2026-12-01T10:00:00Z') }],
      forms: [{ type: 'quote_requested', properties: { form: 'quote' }, occurredAt: new Date('2026-11-30T10:00:00Z') }],
      score: {
        engagement: {
          total: 42,
          lines: [
            { reason: 'old pricing visit', points: 10, decayedPoints: 2, occurredAt: '2026-10-01T00:00:00.000Z' },
            { reason: 'quote requested', points: 30, decayedPoints: 28, occurredAt: '2026-11-30T10:00:00.000Z' },
            { reason: 'unsubscribed', points: -5, decayedPoints: -5, occurredAt: '2026-11-20T10:00:00.000Z' },
          ],
        },
        fit: { grade: 'B', points: 40, lines: [{ trait: 'companySize', points: 40, source: 'form' }] },
      },
    });
    expect(summary.who).toEqual({ contactId: 'c-1', name: 'Ada Lovelace', email: 'ada@example.com', jobTitle: null, phone: null });
    expect(summary.company).toMatchObject({ name: 'Analytical', size: 120, postcode: '75001' });
    expect(summary.leadSource).toEqual({ firstSeenAt: '2026-11-01T09:00:00.000Z', firstEvent: 'page_viewed', campaign: 'newsletter', referrer: 'https://search.example' });
    expect(summary.score.reasons.map((line) => line.reason)).toEqual(['quote requested', 'old pricing visit']);
    expect(summary.pages).toEqual([{ path: '/pricing', views: 3, lastViewedAt: '2026-12-01T10:00:00.000Z' }]);
    expect(summary.forms).toEqual([{ type: 'quote_requested', form: 'quote', at: '2026-11-30T10:00:00.000Z' }]);
  });
});
