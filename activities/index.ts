import { createEmailActivities, type EmailDependencies } from './email.activities.js';
import { createJourneyActivities, type JourneyDependencies } from './journey.activities.js';
import { createScoringActivities, type ScoringDependencies } from './scoring.activities.js';
import { createHandoffActivities, type HandoffDependencies } from './handoff.activities.js';
import { createNewsletterActivities } from './newsletter.activities.js';
import { createJourneyScheduleActivities } from './journey-schedule.activities.js';

export type ActivityDependencies = EmailDependencies & ScoringDependencies & HandoffDependencies & JourneyDependencies;

/** Every activity the worker registers, built over injected dependencies so tests pass real ones of their own. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createEmailActivities(deps),
    ...createScoringActivities(deps),
    ...createHandoffActivities(deps),
    ...createJourneyActivities(deps),
    ...createNewsletterActivities(deps),
    ...createJourneyScheduleActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
