// The workflow bundle's entry point: every workflow type the worker serves is exported here.
export { rescoreWorkflow } from './rescore.workflow.js';
export { stageReviewWorkflow } from './stage-review.workflow.js';
export { welcomeWorkflow } from './welcome.workflow.js';
export { handoffWorkflow } from './handoff.workflow.js';
export { subscriptionConfirmationWorkflow } from './subscription-confirmation.workflow.js';
export { journeyWorkflow } from './journey.workflow.js';
export { journeyCohortWorkflow } from './journey-cohort.workflow.js';
export { newsletterWorkflow } from './newsletter.workflow.js';
export { journeyCohortSimulationWorkflow } from './journey-simulation.workflow.js';
export { journeyScheduleTickWorkflow } from './journey-schedule.workflow.js';
