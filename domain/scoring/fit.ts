import { resolveModel } from './compile.js';
import type { AnyScoringModel } from './compile.js';
import type { FitGrade, FitGrades } from './model.js';

import { TraitSource, TraitValue, Traits } from '../traits.js';

// The trait shapes belong to domain/traits.ts; scoring reads them under the names it has always exported.
export { TraitSource, Traits };
export const Trait = TraitValue;
export type Trait = TraitValue;

/**
 * Sources that count toward qualification: what the prospect declared (`form`) and what sales
 * verified (`sales`). Imported, enriched and event-derived values are shown but never qualify.
 */
export const QUALIFYING_TRAIT_SOURCES: ReadonlySet<TraitSource> = new Set<TraitSource>(['form', 'sales']);


export interface FitLine {
  ruleId: string;
  trait: string;
  points: number;
  source: TraitSource;
}

export interface IgnoredFitLine {
  ruleId: string;
  trait: string;
  source: TraitSource;
  /** Why a rule that matched the value did not count. */
  reason: string;
}

export interface FitScore {
  points: number;
  grade: FitGrade;
  lines: FitLine[];
  ignored: IgnoredFitLine[];
}

const GRADE_RANK: Readonly<Record<FitGrade, number>> = { A: 3, B: 2, C: 1, D: 0 };

/** True when `grade` is `minimum` or better (A is best). */
export function gradeAtLeast(grade: FitGrade, minimum: FitGrade): boolean {
  return GRADE_RANK[grade] >= GRADE_RANK[minimum];
}

/** The grade of a number of fit points: the best grade whose threshold it reaches, else D. */
export function gradeOf(points: number, grades: FitGrades): FitGrade {
  if (points >= grades.A) return 'A';
  if (points >= grades.B) return 'B';
  if (points >= grades.C) return 'C';
  return 'D';
}

/**
 * Fit of a contact from its traits. Rules are applied in model order; within a group only the
 * first matching rule from a qualifying source counts. A rule that matches a value from a
 * non-qualifying source, or that a group already answered, is listed in `ignored` with the reason,
 * so sales see what was left out and why. Fit does not decay.
 */
export function fitScore(traits: Readonly<Record<string, Trait>>, model: AnyScoringModel): FitScore {
  const compiled = resolveModel(model);
  const lines: FitLine[] = [];
  const ignored: IgnoredFitLine[] = [];
  const groupWinners = new Map<string, string>();
  let points = 0;
  for (const rule of compiled.fitRules) {
    if (!Object.hasOwn(traits, rule.trait)) continue;
    const trait = traits[rule.trait];
    if (trait === undefined || !rule.test(trait.value)) continue;
    const { source } = trait;
    if (!QUALIFYING_TRAIT_SOURCES.has(source)) {
      ignored.push({
        ruleId: rule.id,
        trait: rule.trait,
        source,
        reason: `source "${source}" is neither declared (form) nor verified (sales)`,
      });
      continue;
    }
    if (rule.group !== null) {
      const winner = groupWinners.get(rule.group);
      if (winner !== undefined) {
        ignored.push({
          ruleId: rule.id,
          trait: rule.trait,
          source,
          reason: `group "${rule.group}" already counted by rule "${winner}"`,
        });
        continue;
      }
      groupWinners.set(rule.group, rule.id);
    }
    points += rule.points;
    lines.push({ ruleId: rule.id, trait: rule.trait, points: rule.points, source });
  }
  points = Math.round(points * 1e6) / 1e6;
  return { points, grade: gradeOf(points, compiled.model.fit.grades), lines, ignored };
}
