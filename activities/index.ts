import { createEmailActivities, type EmailDependencies } from './email.activities.js';

export type ActivityDependencies = EmailDependencies;

/** Every activity the worker registers, built over injected dependencies so tests pass real ones of their own. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createEmailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
