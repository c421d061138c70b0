import { describe, expect, it } from 'vitest';
import { ScoringModel, Traits, defaultScoringModel, fitScore, gradeAtLeast, gradeOf } from '../../../domain/scoring/index.js';
import type { FitRule, Trait, TraitSource } from '../../../domain/scoring/index.js';

const UPDATED = '2025-03-01T10:00:00Z';

function trait(value: unknown, source: TraitSource = 'form'): Trait {
  return { value, source, updatedAt: UPDATED };
}

function fitModel(rules: FitRule[]): ScoringModel {
  return ScoringModel.parse({ id: 'fit', version: 1, engagement: { rules: [] }, fit: { rules } });
}

const simple = fitModel([
  { id: 'country-fr', trait: 'country', op: 'eq', value: 'FR', points: 20 },
  { id: 'big-company', trait: 'companySize', op: 'gte', value: 200, points: 25 },
]);

describe('fitScore: only declared and verified values qualify', () => {
  it('counts a declared (form) value', () => {
    expect(fitScore({ country: trait('FR', 'form') }, simple)).toEqual({
      points: 20,
      grade: 'C',
      lines: [{ ruleId: 'country-fr', trait: 'country', points: 20, source: 'form' }],
      ignored: [],
    });
  });

  it('counts a value sales verified', () => {
    const score = fitScore({ country: trait('FR', 'sales'), companySize: trait(500, 'sales') }, simple);
    expect(score.points).toBe(45);
    expect(score.grade).toBe('B');
    expect(score.lines.map((l) => l.source)).toEqual(['sales', 'sales']);
  });

  it.each(['enrichment', 'import', 'event'] as const)('lists a matching %s value as ignored, with the reason', (source) => {
    const score = fitScore({ country: trait('FR', source), companySize: trait(500, 'form') }, simple);
    expect(score.points).toBe(25);
    expect(score.lines.map((l) => l.ruleId)).toEqual(['big-company']);
    expect(score.ignored).toEqual([
      { ruleId: 'country-fr', trait: 'country', source, reason: `source "${source}" is neither declared (form) nor verified (sales)` },
    ]);
  });

  it('does not list values that match no rule', () => {
    const score = fitScore({ country: trait('DE', 'enrichment'), companySize: trait(5, 'form'), other: trait('x') }, simple);
    expect(score).toEqual({ points: 0, grade: 'D', lines: [], ignored: [] });
  });

  it('does not mistake inherited object members for traits', () => {
    const model = fitModel([{ id: 'ctor', trait: 'constructor', op: 'exists', points: 10 }]);
    expect(fitScore({}, model).points).toBe(0);
    expect(fitScore({ constructor: trait('x') } as Record<string, Trait>, model).points).toBe(10);
  });
});

describe('grades', () => {
  const grades = { A: 60, B: 40, C: 20 };

  it.each([
    [100, 'A'],
    [60, 'A'],
    [59.99, 'B'],
    [40, 'B'],
    [39, 'C'],
    [20, 'C'],
    [19.5, 'D'],
    [0, 'D'],
    [-30, 'D'],
  ] as const)('%d points → %s', (points, grade) => {
    expect(gradeOf(points, grades)).toBe(grade);
  });

  it('fitScore grades at the exact boundaries of the model', () => {
    const model = fitModel([
      { id: 'a', trait: 'a', op: 'exists', points: 20 },
      { id: 'b', trait: 'b', op: 'exists', points: 20 },
      { id: 'c', trait: 'c', op: 'exists', points: 20 },
      { id: 'minus', trait: 'm', op: 'exists', points: -1 },
    ]);
    expect(fitScore({ a: trait(1) }, model).grade).toBe('C');
    expect(fitScore({ a: trait(1), m: trait(1) }, model).grade).toBe('D');
    expect(fitScore({ a: trait(1), b: trait(1) }, model).grade).toBe('B');
    expect(fitScore({ a: trait(1), b: trait(1), m: trait(1) }, model).grade).toBe('C');
    expect(fitScore({ a: trait(1), b: trait(1), c: trait(1) }, model).grade).toBe('A');
    expect(fitScore({ a: trait(1), b: trait(1), c: trait(1), m: trait(1) }, model).grade).toBe('B');
  });

  it('gradeAtLeast orders A > B > C > D', () => {
    expect(gradeAtLeast('A', 'B')).toBe(true);
    expect(gradeAtLeast('B', 'B')).toBe(true);
    expect(gradeAtLeast('C', 'B')).toBe(false);
    expect(gradeAtLeast('D', 'D')).toBe(true);
    expect(gradeAtLeast('D', 'C')).toBe(false);
  });
});

describe('groups', () => {
  const banded = fitModel([
    { id: 'size-1000', trait: 'companySize', op: 'gte', value: 1000, points: 25, group: 'size' },
    { id: 'size-200', trait: 'companySize', op: 'gte', value: 200, points: 20, group: 'size' },
    { id: 'size-50', trait: 'companySize', op: 'gte', value: 50, points: 15, group: 'size' },
    { id: 'title-declared', trait: 'jobTitle', op: 'contains', value: 'director', ignoreCase: true, points: 20, group: 'seniority' },
    { id: 'title-verified', trait: 'role', op: 'eq', value: 'executive', points: 30, group: 'seniority' },
  ]);

  it('counts only the first matching rule of a group, and says why the others did not count', () => {
    const score = fitScore({ companySize: trait(5000) }, banded);
    expect(score.points).toBe(25);
    expect(score.lines.map((l) => l.ruleId)).toEqual(['size-1000']);
    expect(score.ignored).toEqual([
      { ruleId: 'size-200', trait: 'companySize', source: 'form', reason: 'group "size" already counted by rule "size-1000"' },
      { ruleId: 'size-50', trait: 'companySize', source: 'form', reason: 'group "size" already counted by rule "size-1000"' },
    ]);
  });

  it('falls to the band the value reaches', () => {
    expect(fitScore({ companySize: trait(250) }, banded).lines.map((l) => l.ruleId)).toEqual(['size-200']);
    expect(fitScore({ companySize: trait('75') }, banded).lines.map((l) => l.ruleId)).toEqual(['size-50']);
    expect(fitScore({ companySize: trait(10) }, banded).points).toBe(0);
  });

  it('a match from a non-qualifying source does not take the group', () => {
    const score = fitScore({ jobTitle: trait('Sales Director', 'enrichment'), role: trait('executive', 'sales') }, banded);
    expect(score.lines.map((l) => [l.ruleId, l.points])).toEqual([['title-verified', 30]]);
    expect(score.ignored.map((i) => i.ruleId)).toEqual(['title-declared']);
  });
});

describe('default model fit', () => {
  it('grades a declared CEO of a 500-person French software company A', () => {
    const traits = Traits.parse({
      jobTitle: trait('CEO'),
      companySize: trait(500),
      country: trait('fr'),
      sector: trait('Software'),
    });
    const score = fitScore(traits, defaultScoringModel);
    expect(score.lines.map((l) => [l.ruleId, l.points])).toEqual([
      ['title-ceo', 30],
      ['company-200', 20],
      ['country-served', 10],
      ['sector-target', 15],
    ]);
    expect(score.points).toBe(75);
    expect(score.grade).toBe('A');
  });

  it('does not qualify on enriched data alone', () => {
    const traits = {
      jobTitle: trait('Chief Marketing Officer', 'enrichment'),
      companySize: trait(5000, 'enrichment'),
      country: trait('FR', 'import'),
    };
    const score = fitScore(traits, defaultScoringModel);
    expect(score.points).toBe(0);
    expect(score.grade).toBe('D');
    expect(score.ignored.map((i) => i.ruleId)).toEqual(['title-chief', 'company-1000', 'company-200', 'company-50', 'company-10', 'country-served']);
  });

  it('counts students against', () => {
    const score = fitScore({ jobTitle: trait('Marketing student'), country: trait('BE') }, defaultScoringModel);
    expect(score.points).toBe(-20);
    expect(score.grade).toBe('D');
  });
});
