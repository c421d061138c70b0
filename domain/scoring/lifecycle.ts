import { z } from 'zod';
import { resolveModel } from './compile.js';
import type { AnyScoringModel } from './compile.js';
import { roundScore } from './decay.js';
import { gradeAtLeast } from './fit.js';
import type { FitGrade } from './model.js';

/** The inbound funnel, in order. */
export const LifecycleStage = z.enum(['visitor', 'lead', 'mql', 'sql', 'customer', 'loyal', 'advocate']);
export type LifecycleStage = z.infer<typeof LifecycleStage>;

const STAGES: ReadonlySet<string> = new Set(LifecycleStage.options);

/** A stored stage as a LifecycleStage: visitor for a value this version does not know. */
export function stageOrVisitor(stored: string): LifecycleStage {
  return STAGES.has(stored) ? (stored as LifecycleStage) : 'visitor';
}

export interface StageTransition {
  from: LifecycleStage;
  to: LifecycleStage;
  /** Recorded with the stage change and carried to sales. */
  reason: string;
}

export interface ScoreStageInput {
  current: LifecycleStage;
  /** Decayed engagement total at the moment of the decision (see `engagementScoreAt`). */
  engagement: number;
  fitGrade: FitGrade;
  /** The contact has an e-mail address. */
  known: boolean;
  model: AnyScoringModel;
}

function fmt(n: number): string {
  return String(roundScore(n));
}

/**
 * The stage move scores call for, or null. One step per call — a new known contact that already
 * meets the MQL thresholds goes visitor → lead now and lead → mql on the next call — so every
 * stage change is recorded on its own with its reason.
 *
 * - visitor → lead when the contact becomes known;
 * - lead → mql when the contact is known, engagement ≥ `mql.engagementAtLeast` and the fit grade is
 *   `mql.fitAtLeast` or better;
 * - mql → lead when engagement falls under `mql.demoteBelow` (default: the MQL threshold). A lower
 *   fit grade alone does not demote: fit changes when someone edits data, and that is a decision
 *   for a person, not for decay;
 * - sql, customer, loyal and advocate never move by score: sales and purchases own them.
 */
export function nextStageFromScore(input: ScoreStageInput): StageTransition | null {
  const { current, engagement, fitGrade, known } = input;
  const { mql } = resolveModel(input.model).model.lifecycle;
  switch (current) {
    case 'visitor':
      return known ? { from: 'visitor', to: 'lead', reason: 'contact became known (has an e-mail address)' } : null;
    case 'lead':
      if (known && engagement >= mql.engagementAtLeast && gradeAtLeast(fitGrade, mql.fitAtLeast)) {
        return {
          from: 'lead',
          to: 'mql',
          reason: `engagement ${fmt(engagement)} ≥ ${fmt(mql.engagementAtLeast)} and fit grade ${fitGrade} ≥ ${mql.fitAtLeast}`,
        };
      }
      return null;
    case 'mql': {
      const floor = mql.demoteBelow ?? mql.engagementAtLeast;
      if (engagement < floor) {
        return {
          from: 'mql',
          to: 'lead',
          reason: `demoted: engagement decayed to ${fmt(engagement)}, under the MQL threshold ${fmt(floor)}`,
        };
      }
      return null;
    }
    case 'sql':
    case 'customer':
    case 'loyal':
    case 'advocate':
      return null;
  }
}
