import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SendEmailInput } from '../activities/email.activities.js';
import type { HandoffStatus } from '../domain/handoff/index.js';
import { salesActionSignal } from './handoff.signals.js';

const handoff = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Routing waits for its rules: an engine started before an admin configured them routes the backlog once they exist.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface HandoffWorkflowInput {
  contactId: string;
  /** Why the lead goes to sales: the MQL transition's reason, or the journey's. */
  reason: string;
  /** `mql`, or `journey:<id>` for a journey's hand-off node. */
  source: string;
  /** The stage transition to MQL, whose stored reason (the scores that qualified) the hand-off carries. */
  transitionId?: number;
}

export type HandoffOutcome = HandoffStatus | 'already-open';

const DAY_MS = 86_400_000;
const AWAITING: readonly HandoffStatus[] = ['assigned', 'escalated'];

/**
 * A qualified lead's way through sales (id `handoff:<contactId>`): route it, summarise it for the
 * owner, tell them by e-mail, deliver it to the CRM, run the SLA (reminder, then escalation or
 * reassignment) until a rep answers, then follow the answer: an accepted lead until it is won or
 * lost, a rejected one through its cooldown back to nurture. The API stores every rep action and
 * makes the stage change; the workflow only hears the new status.
 */
export async function handoffWorkflow(input: HandoffWorkflowInput): Promise<{ handoffId: string; outcome: HandoffOutcome }> {
  const { workflowId, runId } = workflowInfo();
  let status = 'assigned' as HandoffStatus;
  setHandler(salesActionSignal, (signal) => {
    status = signal.status;
  });
  const now = () => new Date().toISOString();
  const answered = () => !AWAITING.includes(status);

  const opened = await handoff.openLeadHandoff({ ...input, workflowId, runId, at: now() });
  if (opened.status === 'already-open') return { handoffId: opened.handoffId, outcome: 'already-open' };
  const { handoffId } = opened;

  let assignment = await handoff.assignLead({ handoffId, at: now(), reassign: false });
  await handoff.summarizeLead({ handoffId, at: now() });
  const crmDelivery = assignment.crmWebhook ? deliverToCrm(handoffId, assignment.crmMaxAttempts) : Promise.resolve();

  const notify = (step: string, template: string, notice: string, role: 'owner' | 'manager') =>
    sendUntilDone({ cause: `${workflowId}/${runId}/${step}`, contactId: input.contactId, template, category: 'transactional', recipient: { handoffId, role }, data: { notice } });

  for (let reassignments = 0; !answered(); ) {
    await notify(`assigned-${reassignments}`, 'handoff-notification', 'assigned', 'owner');
    if (await condition(answered, untilMs(assignment.reminderAt))) break;
    const { stillWaiting } = await handoff.recordReminder({ handoffId, at: now() });
    if (stillWaiting) await notify(`reminder-${reassignments}`, 'handoff-notification', 'reminder', 'owner');
    if (await condition(answered, untilMs(assignment.slaDueAt))) break;
    const breach = await handoff.handleSlaBreach({ handoffId, at: now(), reassignmentsSoFar: reassignments });
    if (breach.kind === 'answered') {
      // The answer was stored just before the deadline; the database has the last word over a late signal.
      status = breach.status;
      break;
    }
    if (breach.kind === 'reassign') {
      reassignments += 1;
      assignment = await handoff.assignLead({ handoffId, at: now(), reassign: true });
      continue;
    }
    if (breach.to !== null) await notify('escalation', 'handoff-notification', 'escalation', 'manager');
    await condition(answered);
  }

  if (status === 'accepted') await condition(() => status === 'won' || status === 'lost');
  if (status === 'rejected') {
    // Sales said not now: the lead rests, then goes back to nurture (stage lead).
    await sleep(assignment.recycleCooldownDays * DAY_MS);
    await handoff.recycleLead({ handoffId, at: now() });
    status = 'recycled';
  }
  await crmDelivery;
  return { handoffId, outcome: status };
}

function untilMs(iso: string): number {
  // condition() treats 0 as "no timeout": wait at least a millisecond.
  return Math.max(1, Date.parse(iso) - Date.now());
}

async function sendUntilDone(email: SendEmailInput): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const result = await handoff.sendEmail(email);
    if (result.status !== 'deferred') return;
    await sleep(untilMs(result.until));
  }
}

/**
 * Delivers with backoff; after the last attempt the delivery is marked dead letter (visible on the
 * hand-off) and the hand-off goes on: sales work the lead whether or not the CRM took it.
 */
async function deliverToCrm(handoffId: string, maximumAttempts: number): Promise<void> {
  const { deliverToCrm: deliver } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts },
  });
  try {
    await deliver({ handoffId });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause instanceof ApplicationFailure ? error.cause.message : (error.cause?.message ?? error.message);
    await handoff.deadLetterCrmDelivery({ handoffId, error: cause });
  }
}
