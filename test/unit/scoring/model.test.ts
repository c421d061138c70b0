import { describe, expect, it } from 'vitest';
import {
  ScoringModel,
  compileScoringModel,
  defaultScoringModel,
  formatIssuePath,
  validateScoringModel,
} from '../../../domain/scoring/index.js';
import type { ModelIssue, ScoringModelInput } from '../../../domain/scoring/index.js';

const minimal: ScoringModelInput = {
  id: 'm',
  version: 1,
  engagement: { rules: [{ id: 'page-view', event: 'page_viewed', points: 1 }] },
  fit: { rules: [] },
};

function issuesOf(input: unknown): ModelIssue[] {
  const result = validateScoringModel(input);
  if (result.ok) throw new Error('expected the model to be rejected');
  return result.issues;
}

function withRule(rule: Record<string, unknown>): unknown {
  return { ...minimal, engagement: { rules: [rule] } };
}

describe('ScoringModel defaults', () => {
  it('fills half-life, window, grades and MQL thresholds', () => {
    const model = ScoringModel.parse(minimal);
    expect(model.halfLifeDays).toBe(30);
    expect(model.windowDays).toBe(90);
    expect(model.fit.grades).toEqual({ A: 60, B: 40, C: 20 });
    expect(model.lifecycle.mql).toEqual({ engagementAtLeast: 50, fitAtLeast: 'B' });
  });

  it('fills MQL thresholds left out of a partial lifecycle block', () => {
    const model = ScoringModel.parse({ ...minimal, lifecycle: { mql: { engagementAtLeast: 70 } } });
    expect(model.lifecycle.mql).toEqual({ engagementAtLeast: 70, fitAtLeast: 'B' });
  });

  it('accepts every cap period, including a window in days', () => {
    for (const per of ['hour', 'day', 'week', 'month', { days: 7 }] as const) {
      const result = validateScoringModel(withRule({ id: 'r', event: 'e', points: 1, cap: { points: 5, per } }));
      expect(result.ok).toBe(true);
    }
  });
});

describe('defaultScoringModel', () => {
  it('is a valid, frozen, versioned document', () => {
    expect(validateScoringModel(defaultScoringModel).ok).toBe(true);
    expect(defaultScoringModel.id).toBe('b2b-default');
    expect(defaultScoringModel.version).toBe(1);
    expect(Object.isFrozen(defaultScoringModel)).toBe(true);
    expect(Object.isFrozen(defaultScoringModel.engagement.rules[0])).toBe(true);
  });

  it('weighs pricing, product and quote pages above ordinary pages, and a quote request reaches MQL alone', () => {
    const points = new Map(defaultScoringModel.engagement.rules.map((r) => [r.id, r.points]));
    const page = points.get('page-view') ?? 0;
    for (const id of ['pricing-page-view', 'product-page-view', 'quote-page-view']) {
      expect(points.get(id)).toBeGreaterThan(page);
    }
    expect(points.get('quote-requested')).toBeGreaterThanOrEqual(defaultScoringModel.lifecycle.mql.engagementAtLeast);
    const events = new Set(defaultScoringModel.engagement.rules.map((r) => r.event));
    for (const event of ['page_viewed', 'form_submitted', 'quote_requested', 'email_opened', 'email_clicked', 'cart_updated']) {
      expect(events.has(event)).toBe(true);
    }
    const traits = new Set(defaultScoringModel.fit.rules.map((r) => r.trait));
    expect([...traits].sort()).toEqual(['companySize', 'country', 'jobTitle', 'sector']);
  });
});

describe('model validation issues carry paths', () => {
  it('rejects a duplicate engagement rule id at the second use', () => {
    const issues = issuesOf({
      ...minimal,
      engagement: {
        rules: [
          { id: 'a', event: 'x', points: 1 },
          { id: 'b', event: 'x', points: 1 },
          { id: 'a', event: 'y', points: 2 },
        ],
      },
    });
    expect(issues).toEqual([
      {
        path: ['engagement', 'rules', 2, 'id'],
        at: 'engagement.rules[2].id',
        message: 'duplicate rule id "a" (first used by engagement.rules[0])',
      },
    ]);
  });

  it('rejects a fit rule id already used by an engagement rule', () => {
    const issues = issuesOf({
      ...minimal,
      fit: { rules: [{ id: 'page-view', trait: 'country', op: 'eq', value: 'FR', points: 5 }] },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.at).toBe('fit.rules[0].id');
    expect(issues[0]?.message).toContain('first used by engagement.rules[0]');
  });

  it.each([
    [{ property: 'path', op: 'in', value: '/pricing' }, '"in" needs a non-empty array'],
    [{ property: 'path', op: 'in', value: [] }, '"in" needs a non-empty array'],
    [{ property: 'path', op: 'startsWith', value: 3 }, '"startsWith" needs a non-empty string'],
    [{ property: 'path', op: 'eq' }, '"eq" needs a single value'],
    [{ property: 'tags', op: 'contains', value: ['a'] }, '"contains" needs a single value'],
    [{ property: 'n', op: 'gt', value: true }, '"gt" needs a number'],
    [{ property: 'n', op: 'lte', value: null }, '"lte" needs a number'],
    [{ property: 'n', op: 'exists', value: 'yes' }, '"exists" takes true'],
  ])('rejects the operand of %o at where[0].value', (filter, message) => {
    const issues = issuesOf(withRule({ id: 'r', event: 'e', points: 1, where: [filter] }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.at).toBe('engagement.rules[0].where[0].value');
    expect(issues[0]?.message).toContain(message);
  });

  it('rejects an unknown operator at where[n].op', () => {
    const issues = issuesOf(
      withRule({ id: 'r', event: 'e', points: 1, where: [{ property: 'a', op: 'eq', value: 1 }, { property: 'b', op: 'like', value: 'x' }] }),
    );
    expect(issues.map((i) => i.at)).toEqual(['engagement.rules[0].where[1].op']);
  });

  it('rejects a malformed property path', () => {
    for (const property of ['', 'utm..source', '.path', 'path.', 'a b']) {
      const issues = issuesOf(withRule({ id: 'r', event: 'e', points: 1, where: [{ property, op: 'exists' }] }));
      expect(issues.map((i) => i.at)).toEqual(['engagement.rules[0].where[0].property']);
    }
  });

  it('rejects zero points, a bad cap and a bad rule id, each at its own path', () => {
    const issues = issuesOf({
      ...minimal,
      engagement: {
        rules: [
          { id: 'zero', event: 'e', points: 0 },
          { id: 'cap', event: 'e', points: 1, cap: { points: 0, per: 'day' } },
          { id: 'per', event: 'e', points: 1, cap: { points: 5, per: { days: 1.5 } } },
          { id: 'has space', event: 'e', points: 1 },
          { id: 'no-event', event: '', points: 1 },
        ],
      },
    });
    const at = issues.map((i) => i.at);
    expect(at).toContain('engagement.rules[0].points');
    expect(at).toContain('engagement.rules[1].cap.points');
    expect(at.some((p) => p.startsWith('engagement.rules[2].cap.per'))).toBe(true);
    expect(at).toContain('engagement.rules[3].id');
    expect(at).toContain('engagement.rules[4].event');
    expect(issues.find((i) => i.at === 'engagement.rules[0].points')?.message).toContain('must not be 0');
  });

  it('rejects fit operands at fit.rules[n].value', () => {
    const issues = issuesOf({ ...minimal, fit: { rules: [{ id: 'f', trait: 'companySize', op: 'gte', value: [1], points: 5 }] } });
    expect(issues.map((i) => i.at)).toEqual(['fit.rules[0].value']);
  });

  it('rejects grade thresholds that are not strictly descending', () => {
    const issues = issuesOf({ ...minimal, fit: { rules: [], grades: { A: 60, B: 60, C: 70 } } });
    expect(issues.map((i) => i.at)).toEqual(['fit.grades.B', 'fit.grades.C']);
    expect(issues[0]?.message).toBe('grade B threshold (60) must be lower than A (60)');
  });

  it('rejects a demotion floor above the MQL threshold', () => {
    const issues = issuesOf({ ...minimal, lifecycle: { mql: { engagementAtLeast: 50, demoteBelow: 60 } } });
    expect(issues.map((i) => i.at)).toEqual(['lifecycle.mql.demoteBelow']);
  });

  it('rejects a bad version, half-life and window', () => {
    const issues = issuesOf({ ...minimal, version: 0, halfLifeDays: 0, windowDays: -1 });
    expect(issues.map((i) => i.at).sort()).toEqual(['halfLifeDays', 'version', 'windowDays']);
  });

  it('formats paths for people', () => {
    expect(formatIssuePath(['engagement', 'rules', 2, 'where', 0, 'value'])).toBe('engagement.rules[2].where[0].value');
    expect(formatIssuePath([])).toBe('(model)');
  });
});

describe('compileScoringModel', () => {
  it('refuses a hand-built model that the type allows but the rules forbid, naming the path', () => {
    const model = ScoringModel.parse(minimal);
    const broken: ScoringModel = {
      ...model,
      engagement: { rules: [...model.engagement.rules, { id: 'page-view', event: 'other', points: 2 }] },
    };
    expect(() => compileScoringModel(broken)).toThrow(/engagement\.rules\[1\]\.id: duplicate rule id "page-view"/);
  });

  it('indexes rules by event type in model order and numbers capped rules', () => {
    const compiled = compileScoringModel(defaultScoringModel);
    expect(compiled.rulesByEvent.get('page_viewed')?.map((r) => r.id)).toEqual([
      'page-view',
      'pricing-page-view',
      'product-page-view',
      'quote-page-view',
      'long-page-view',
      'careers-page-view',
    ]);
    expect(compiled.rulesByEvent.get('unknown_type')).toBeUndefined();
    compiled.cappedRules.forEach((rule, slot) => expect(rule.slot).toBe(slot));
  });
});
