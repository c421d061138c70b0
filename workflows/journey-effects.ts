// The effects a journey run has on the world through activities, shared by a run with a workflow of
// its own (journey.workflow.ts) and a member of a cohort (journey-cohort.workflow.ts). Only the two
// steps every send node takes, the visit and the e-mail, differ: one run takes them alone, a cohort
// in batches.
import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SendEmailInput, SendEmailResult } from '../activities/email.activities.js';
import type { RecordJourneyVisitInput } from '../activities/journey.activities.js';
import type { JourneyEffects } from './journey-interpreter.js';

const { loadContactFacts, setContactStage, setContactTrait, issueCoupon, requestHandoff } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// A partner's endpoint can be down for a while, but not forever: after about a day of attempts
// the node is recorded as skipped and the contact moves on.
const { callWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 3, maximumInterval: '4 hours', maximumAttempts: 10 },
});

/** Who a run is: its row in `journey_runs` and the prefix of every cause it acts under. */
export interface JourneyRunIdentity {
  /** The workflow id it has, or would have alone (journeyWorkflowId). */
  workflowId: string;
  /** The first run id of the workflow it started in: the cohort's, for a member. */
  runId: string;
  journeyId: string;
  /** The version this execution runs: a version move continues as new. */
  version: number;
  contactId: string;
  entryKey?: string;
}

/** The two steps a run takes at every send node, as activities of the kind its workflow chose. */
export interface JourneySteps {
  recordVisit(visit: RecordJourneyVisitInput): Promise<void>;
  sendEmail(email: SendEmailInput): Promise<SendEmailResult>;
}

/** `<workflowId>/<runId>/<nodeId>/<visit>`: the same node visit of the same run acts once. */
export const causeOf = (run: JourneyRunIdentity, nodeId: string, visit: number): string => `${run.workflowId}/${run.runId}/${nodeId}/${visit}`;

export function activityEffects(run: JourneyRunIdentity, steps: JourneySteps): JourneyEffects {
  const { contactId, journeyId } = run;
  return {
    recordVisit: ({ nodeId, visit, outcome, at, status, startedAt }) =>
      steps.recordVisit({
        workflowId: run.workflowId,
        runId: run.runId,
        journeyId,
        version: run.version,
        contactId,
        ...(run.entryKey === undefined ? {} : { entryKey: run.entryKey }),
        nodeId,
        visit,
        outcome,
        at,
        status,
        startedAt,
      }),
    sendEmail: ({ nodeId, visit, node, data }) =>
      steps.sendEmail({
        cause: causeOf(run, nodeId, visit),
        contactId,
        template: node.template,
        category: node.category,
        ...(node.topic === undefined ? {} : { topic: node.topic }),
        data,
      }),
    loadFacts: (request, since) => loadContactFacts({ contactId, request, since }),
    setStage: ({ nodeId, stage, at }) => setContactStage({ contactId, stage, journeyId, nodeId, at }),
    setTrait: ({ nodeId, trait, value, at }) => setContactTrait({ contactId, trait, value, journeyId, nodeId, at }),
    issueCoupon: ({ nodeId, visit, node, at }) =>
      issueCoupon({
        cause: causeOf(run, nodeId, visit),
        contactId,
        journeyId,
        nodeId,
        // Only a node that names a campaign asks the patch, and no such node ran before it: every
        // older history replays the node as it ran, with the same activity input.
        ...(node.campaign !== undefined && patched('issue-coupon-from-campaign') ? { campaign: node.campaign } : {}),
        discount: node.discount,
        validityDays: node.validityDays,
        ...(node.category === undefined ? {} : { category: node.category }),
        at,
      }),
    handOff: ({ nodeId, visit, reason }) => requestHandoff({ cause: causeOf(run, nodeId, visit), contactId, journeyId, nodeId, reason }),
    callWebhook: async ({ nodeId, visit, node, data }) => {
      try {
        await callWebhook({ cause: causeOf(run, nodeId, visit), contactId, journeyId, nodeId, url: node.url, body: node.body, data });
        return 'completed';
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('webhook gave up', { nodeId, error: error.cause?.message ?? error.message });
        return 'skipped';
      }
    },
  };
}
