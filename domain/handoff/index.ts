export * from './actions.js';
export * from './business-hours.js';
export * from './pipeline.js';
export * from './routing.js';
