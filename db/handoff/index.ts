// The hand-off's storage, one concern per file; its rules (routing, SLA, the lead summary) are in domain/handoff.
export * from './crm.repository.js';
export * from './handoffs.repository.js';
export * from './lead-summary.queries.js';
export * from './reps.repository.js';
export * from './sales-actions.repository.js';
export * from './sla.repository.js';
export { findStageTransition } from './stage-moves.js';
