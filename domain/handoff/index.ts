export * from './actions.js';
export * from './business-hours.js';
export * from './pipeline.js';
export * from './routing.js';
export * from './lead-summary.js';
export * from './sla.js';
