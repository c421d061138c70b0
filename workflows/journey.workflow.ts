import { condition, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityEffects, type JourneyRunIdentity } from './journey-effects.js';
import { createJourneyRun, NODES_PER_EXECUTION } from './journey-interpreter.js';
import {
  journeyEventSignal,
  journeyStateQuery,
  migrateJourneySignal,
  pauseJourneySignal,
  resumeJourneySignal,
  stopJourneySignal,
  type JourneyRunStatus,
  type JourneyWorkflowInput,
  type JourneyWorkflowResult,
} from './journey.contract.js';

const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const { recordJourneyVisit, setJourneyStatus } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

// The two steps every send node takes, run as local activities in the worker that runs the workflow:
// no activity task goes through the Temporal server, and a node's visit, e-mail and visit complete
// in one workflow task instead of five (bench/journeys.bench.ts; docs/BENCHMARKS.md, journeys).
// Exactly-once does not rest on the activity kind: a local activity re-run after a worker died
// finds the visit's row (on conflict do nothing) and the e-mail's outbox row (`sending` or `sent`,
// claimed at the SMTP commit point), and the consent, suppression and budget checks are read in
// sendEmail right before the send either way. Same timeouts and retries as the remote ones; a
// retry beyond a minute waits on a timer in the history, as local activities do.
const localSteps = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
const localVisits = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Runs any journey definition for one contact (workflows/journey-interpreter.ts) with activities as
 * its effects and Temporal timers as its clock; events arrive by signal.
 */
export async function journeyWorkflow(input: JourneyWorkflowInput): Promise<JourneyWorkflowResult> {
  const info = workflowInfo();
  // A member that left its cohort keeps the cohort's run id: its row, its causes, nothing sent twice.
  const identity: JourneyRunIdentity = {
    workflowId: info.workflowId,
    runId: input.runId ?? info.firstExecutionRunId,
    journeyId: input.journeyId,
    version: input.version,
    contactId: input.contactId,
    ...(input.entryKey === undefined ? {} : { entryKey: input.entryKey }),
  };
  // Settles once the last status change is written; set before the run can finish.
  let statusSync: Promise<void> = Promise.resolve();
  // Asked before the first command: a run recorded before local steps replays with activities throughout.
  const local = patched('journey-local-steps');
  const record = local ? localVisits.recordJourneyVisit : recordJourneyVisit;
  const send = local ? localSteps.sendEmail : sendEmail;

  const journey = createJourneyRun(input, {
    now: () => Date.now(),
    waitFor: (ready) => condition(ready),
    waitUntil: (ready, deadlineMs) => condition(ready, deadlineMs - Date.now()),
    shouldContinueAsNew: (nodesRun) => nodesRun >= (input.maxNodesPerExecution ?? NODES_PER_EXECUTION) || workflowInfo().continueAsNewSuggested,
    continueAsNew: (next) => continueAsNew<typeof journeyWorkflow>(next),
    finished: () => statusSync,
    effects: activityEffects(identity, { recordVisit: record, sendEmail: send }),
  });

  setHandler(journeyEventSignal, (event) => journey.deliver(event));
  setHandler(pauseJourneySignal, () => journey.pause());
  setHandler(resumeJourneySignal, () => journey.resume());
  setHandler(stopJourneySignal, ({ reason }) => journey.stop(reason));
  setHandler(migrateJourneySignal, (target) => journey.migrate(target));
  setHandler(journeyStateQuery, () => journey.state());

  // Pause and resume are written as they happen, beside the main path, so a run paused mid-delay shows so.
  const runStatus = (): JourneyRunStatus => (journey.paused() ? 'paused' : 'running');
  let statusWritten = runStatus();
  statusSync = (async () => {
    for (;;) {
      await condition(() => journey.ending() || runStatus() !== statusWritten);
      if (journey.ending()) return;
      statusWritten = runStatus();
      await setJourneyStatus({ workflowId: identity.workflowId, runId: identity.runId, status: statusWritten, at: new Date().toISOString() });
    }
  })();

  return journey.run();
}
