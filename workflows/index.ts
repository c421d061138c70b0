// The workflow bundle's entry point: every workflow type the worker serves is exported here.
export { welcomeWorkflow } from './welcome.workflow.js';
