import { describe, expect, it } from 'vitest';
import {
  LifecycleStage,
  ScoringModel,
  defaultScoringModel,
  engagementScoreAt,
  fitScore,
  nextStageFromScore,
  scoreEvents,
} from '../../../domain/scoring/index.js';
import type { FitGrade, ScoreStageInput } from '../../../domain/scoring/index.js';
import { ev } from './helpers.js';

const model = defaultScoringModel;

function next(input: Partial<ScoreStageInput> & Pick<ScoreStageInput, 'current'>) {
  return nextStageFromScore({ engagement: 0, fitGrade: 'D', known: true, model, ...input });
}

describe('LifecycleStage', () => {
  it('lists the funnel in order', () => {
    expect(LifecycleStage.options).toEqual(['visitor', 'lead', 'mql', 'sql', 'customer', 'loyal', 'advocate']);
    expect(LifecycleStage.safeParse('subscriber').success).toBe(false);
  });
});

describe('nextStageFromScore', () => {
  it('visitor → lead when the contact becomes known', () => {
    expect(next({ current: 'visitor', known: true })).toEqual({
      from: 'visitor',
      to: 'lead',
      reason: 'contact became known (has an e-mail address)',
    });
  });

  it('an anonymous visitor stays a visitor, however engaged', () => {
    expect(next({ current: 'visitor', known: false, engagement: 500, fitGrade: 'A' })).toBeNull();
  });

  it('lead → mql exactly at the thresholds', () => {
    expect(next({ current: 'lead', engagement: 50, fitGrade: 'B' })).toEqual({
      from: 'lead',
      to: 'mql',
      reason: 'engagement 50 ≥ 50 and fit grade B ≥ B',
    });
    expect(next({ current: 'lead', engagement: 87.456, fitGrade: 'A' })?.reason).toBe('engagement 87.46 ≥ 50 and fit grade A ≥ B');
  });

  it.each([
    [49.99, 'A'],
    [50, 'C'],
    [200, 'D'],
    [0, 'A'],
  ] as [number, FitGrade][])('a lead with engagement %d and grade %s stays a lead', (engagement, fitGrade) => {
    expect(next({ current: 'lead', engagement, fitGrade })).toBeNull();
  });

  it('mql → lead when engagement decays under the threshold, and says so', () => {
    expect(next({ current: 'mql', engagement: 49.99, fitGrade: 'A' })).toEqual({
      from: 'mql',
      to: 'lead',
      reason: 'demoted: engagement decayed to 49.99, under the MQL threshold 50',
    });
    expect(next({ current: 'mql', engagement: 50, fitGrade: 'A' })).toBeNull();
  });

  it('a lower fit grade alone does not demote an MQL', () => {
    expect(next({ current: 'mql', engagement: 80, fitGrade: 'D' })).toBeNull();
  });

  it('honours a lower demotion floor (hysteresis)', () => {
    const sticky = ScoringModel.parse({ ...defaultScoringModel, lifecycle: { mql: { engagementAtLeast: 50, fitAtLeast: 'B', demoteBelow: 40 } } });
    expect(next({ current: 'mql', engagement: 45, model: sticky })).toBeNull();
    expect(next({ current: 'mql', engagement: 39, model: sticky })?.reason).toBe('demoted: engagement decayed to 39, under the MQL threshold 40');
    expect(next({ current: 'lead', engagement: 45, fitGrade: 'A', model: sticky })).toBeNull();
  });

  it('uses the thresholds of the model', () => {
    const strict = ScoringModel.parse({ ...defaultScoringModel, lifecycle: { mql: { engagementAtLeast: 80, fitAtLeast: 'A' } } });
    expect(next({ current: 'lead', engagement: 79, fitGrade: 'A', model: strict })).toBeNull();
    expect(next({ current: 'lead', engagement: 80, fitGrade: 'B', model: strict })).toBeNull();
    expect(next({ current: 'lead', engagement: 80, fitGrade: 'A', model: strict })?.to).toBe('mql');
  });

  it.each(['sql', 'customer', 'loyal', 'advocate'] as const)('never moves %s by score', (current) => {
    for (const engagement of [0, 10, 50, 1000]) {
      for (const fitGrade of ['A', 'B', 'C', 'D'] as const) {
        for (const known of [true, false]) {
          expect(next({ current, engagement, fitGrade, known })).toBeNull();
        }
      }
    }
  });

  it('moves one stage per call, so each change is recorded on its own', () => {
    const input = { engagement: 90, fitGrade: 'A' as const, known: true, model };
    const first = nextStageFromScore({ ...input, current: 'visitor' });
    expect(first?.to).toBe('lead');
    const second = nextStageFromScore({ ...input, current: first?.to ?? 'visitor' });
    expect(second?.to).toBe('mql');
    expect(nextStageFromScore({ ...input, current: second?.to ?? 'visitor' })).toBeNull();
  });
});

describe('from events to stage, and back as engagement decays', () => {
  it('a qualified lead who requests a quote becomes an MQL, and is demoted when it fades', () => {
    const { contributions } = scoreEvents(
      [ev('page_viewed', '2025-03-01T09:00:00Z', { path: '/pricing' }), ev('quote_requested', '2025-03-01T09:05:00Z')],
      model,
    );
    const fit = fitScore(
      {
        jobTitle: { value: 'Head of Marketing', source: 'form', updatedAt: '2025-03-01T09:05:00Z' },
        companySize: { value: 120, source: 'form', updatedAt: '2025-03-01T09:05:00Z' },
        country: { value: 'FR', source: 'form', updatedAt: '2025-03-01T09:05:00Z' },
      },
      model,
    );
    expect(fit.grade).toBe('B'); // 20 + 15 + 10 = 45

    const now = engagementScoreAt(contributions, '2025-03-01T10:00:00Z', model);
    expect(now.total).toBeCloseTo(56, 0); // 1 + 5 + 50, an hour old
    expect(nextStageFromScore({ current: 'lead', engagement: now.total, fitGrade: fit.grade, known: true, model })?.to).toBe('mql');

    const later = engagementScoreAt(contributions, '2025-03-11T10:00:00Z', model);
    expect(later.total).toBeLessThan(50);
    const demotion = nextStageFromScore({ current: 'mql', engagement: later.total, fitGrade: fit.grade, known: true, model });
    expect(demotion).toEqual({ from: 'mql', to: 'lead', reason: `demoted: engagement decayed to ${later.total}, under the MQL threshold 50` });
  });
});
