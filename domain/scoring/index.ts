// Lead scoring on two axes — engagement (behaviour, decaying) and fit (declared or verified
// traits) — and the stage moves they call for. Pure: time is always an argument.

export {
  Cap,
  CapPeriod,
  EngagementRule,
  FilterOp,
  FilterScalar,
  FilterValue,
  FitGrade,
  FitGrades,
  FitRule,
  MqlThreshold,
  PropertyFilter,
  RuleId,
  ScoringModel,
  defaultScoringModel,
  formatIssuePath,
  validateScoringModel,
} from './model.js';
export type { ModelIssue, ModelValidation, ScoringModelInput } from './model.js';

export { compileScoringModel } from './compile.js';
export type { AnyScoringModel, CompiledCap, CompiledEngagementRule, CompiledFitRule, CompiledScoringModel } from './compile.js';

export {
  Contribution,
  ScoringEvent,
  createScoringState,
  decodeScoringState,
  encodeScoringState,
  inScoringOrder,
  isLate,
  scoreEvent,
  scoreEvents,
} from './engagement.js';
export type { ScoredHistory, ScoringState, StoredScoringState } from './engagement.js';

export { DECAY_BASE, MAX_HALF_LIVES, SCORE_DECIMALS, decayedPoints, engagementScoreAt, roundScore } from './decay.js';
export type { DecayedContribution, EngagementScore } from './decay.js';

export { QUALIFYING_TRAIT_SOURCES, Trait, TraitSource, Traits, fitScore, gradeAtLeast, gradeOf } from './fit.js';
export type { FitLine, FitScore, IgnoredFitLine } from './fit.js';

export { LifecycleStage, nextStageFromScore, stageOrVisitor } from './lifecycle.js';
export type { ScoreStageInput, StageTransition } from './lifecycle.js';

export { mergeScoringState } from './merge.js';
