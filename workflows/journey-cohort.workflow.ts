import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BatchSendOutcome, SendEmailInput, SendEmailResult } from '../activities/email.activities.js';
import type { RecordJourneyVisitInput } from '../activities/journey.activities.js';
import { activityEffects, type JourneyRunIdentity } from './journey-effects.js';
import { createJourneyRun, NODES_PER_EXECUTION, type JourneyRun } from './journey-interpreter.js';
import { journeyCohortMemberSignal, signalOwnWorkflow, type JourneyCohortInput, type JourneyCohortResult } from './journey-cohort.contract.js';
import type { JourneyWorkflowInput } from './journey.contract.js';
import { cohortMemberRunId, journeyWorkflowId } from './ids.js';

// The batches: many members per activity, so the cost of an activity (a workflow task, a server
// round trip, a database transaction) is paid once per moment, not once per member.
const { recordJourneyVisitBatch, leaveJourneyCohort, setJourneyStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// A batch of e-mails takes seconds at the SMTP pace; it heartbeats after each e-mail, so a batch whose
// worker died is retried on another within seconds (its sent e-mails answer already-sent), not minutes.
const { sendEmails } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// A member whose e-mail failed in its batch is sent alone, with the same retries as a run alone.
const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Visits per activity: one multi-row statement each. */
const VISITS_PER_BATCH = 1_000;
/** E-mails per activity, a newsletter page's worth; two pages in flight keep the SMTP pool busy. */
const EMAILS_PER_BATCH = 200;
const EMAIL_BATCHES_IN_FLIGHT = 2;

interface Batch<I, R> {
  items: I[];
  /** One promise for the whole batch: in a workflow every promise costs a captured stack trace. */
  done: Promise<R>;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects what members ask for while the workflow runs, and hands it to one activity once every
 * member has gone as far as it can: conditions are checked only after the workflow's microtasks
 * drain, so a batch holds every request of the moment. A member gets its batch's promise and its
 * place in it; members resume in the order they joined, as they did with a promise each.
 */
function batcher<I, R>(flush: (items: I[]) => Promise<R>, options: { size: number; inFlight: number }): (item: I) => { done: Promise<R>; index: number } {
  /** Batches waiting their turn, each of at most `size` items; only the last takes more. */
  const queue: Batch<I, R>[] = [];
  let flushing = 0;
  void (async () => {
    for (;;) {
      await condition(() => queue.length > 0 && flushing < options.inFlight);
      const batch = queue.shift() as Batch<I, R>;
      flushing += 1;
      flush(batch.items).then(
        (result) => {
          flushing -= 1;
          batch.resolve(result);
        },
        (error: unknown) => {
          flushing -= 1;
          batch.reject(error);
        },
      );
    }
  })();
  return (item) => {
    let batch = queue.at(-1);
    if (batch === undefined || batch.items.length >= options.size) {
      let resolve = (_: R) => undefined as void;
      let reject = (_: unknown) => undefined as void;
      const done = new Promise<R>((resolveBatch, rejectBatch) => {
        resolve = resolveBatch;
        reject = rejectBatch;
      });
      batch = { items: [], done, resolve, reject };
      queue.push(batch);
    }
    batch.items.push(item);
    return { done: batch.done, index: batch.items.length - 1 };
  };
}

/** A member blocked until `ready()` holds or its deadline (workflow time) passes. */
interface Sleeper {
  ready: () => boolean;
  deadlineMs: number;
  resolve: (arrived: boolean) => void;
}

type MemberState = 'running' | 'leaving' | 'left' | 'ended' | 'failed';

interface Member {
  identity: JourneyRunIdentity;
  run: JourneyRun;
  state: MemberState;
  /** Settles once the member's workflow of its own has started: what it is told after goes there. */
  left?: Promise<void>;
  /** The member's last pause or resume write; its end waits for it. */
  statusWrite: Promise<void>;
}

/**
 * Contacts who entered one version of a journey together (an imported list reaching a stage, a
 * calendar tick), run in one workflow. Each member runs the same interpreter as `journeyWorkflow`,
 * with its own state, visits and e-mail causes; what differs is how its effects reach the world:
 * the visits and e-mails of every member at one moment go out in a few activities (each e-mail still
 * claimed, consent-checked and budget-checked right before its own send), and one timer wakes every
 * member whose wait ends at the same moment. Members are told things by `journeyCohortMemberSignal`.
 *
 * A member that would continue as new (a long journey, a version move, a history grown big) leaves
 * for a `journeyWorkflow` of its own with the same workflow id it would have had alone and the
 * member's run id, so its row, its path and its causes carry on; the cohort forwards what it is told
 * until the row says where it went.
 */
export async function journeyCohortWorkflow(input: JourneyCohortInput): Promise<JourneyCohortResult> {
  const info = workflowInfo();
  const cohortId = info.workflowId;
  const maxNodes = input.maxNodesPerExecution ?? NODES_PER_EXECUTION;

  // Every member awaits its batch's one promise. The flushes keep their shapes (the visits' async
  // wrapper, the e-mails' activity promise itself) and `send`'s `.then` stands for the `await` it had:
  // members resume after the microtask turns they always did, so batches fill in the same order.
  const visitBatch = batcher<RecordJourneyVisitInput, void>(
    async (visits) => {
      await recordJourneyVisitBatch({ cohortId, visits });
    },
    { size: VISITS_PER_BATCH, inFlight: 1 },
  );
  const recordVisit = (visit: RecordJourneyVisitInput): Promise<void> => visitBatch(visit).done;
  const sendBatched = batcher<SendEmailInput, BatchSendOutcome[]>((emails) => sendEmails(emails), { size: EMAILS_PER_BATCH, inFlight: EMAIL_BATCHES_IN_FLIGHT });
  const send = (email: SendEmailInput): Promise<SendEmailResult> => {
    const { done, index } = sendBatched(email);
    return done.then((outcomes) => {
      const outcome = outcomes[index] as BatchSendOutcome;
      if (outcome.status === 'failed') throw ApplicationFailure.nonRetryable(outcome.reason, 'EmailFailed');
      // A transient failure (the SMTP server busy): this one e-mail alone, with sendEmail's retries.
      if (outcome.status === 'retry') return sendEmail(email);
      return outcome;
    });
  };

  // One clock for every member: a Temporal timer for the earliest deadline, not one per member.
  const sleepers = new Set<Sleeper>();
  /** Sleepers with a deadline (a paused member waits without one). */
  let timed = 0;
  let armedFor = Infinity;
  /** A member began a wait ending before the armed timer: the timer must be set earlier. */
  let earlier = false;
  /** A member was told something (an event, a stop, a pause): some wait may be over. */
  let told = false;
  const wake = (sleeper: Sleeper, arrived: boolean) => {
    sleepers.delete(sleeper);
    if (Number.isFinite(sleeper.deadlineMs)) timed -= 1;
    sleeper.resolve(arrived);
  };
  const sleep = (ready: () => boolean, deadlineMs: number): Promise<boolean> => {
    if (ready()) return Promise.resolve(true);
    if (deadlineMs <= Date.now()) return Promise.resolve(false);
    if (Number.isFinite(deadlineMs)) timed += 1;
    if (deadlineMs < armedFor) earlier = true;
    return new Promise<boolean>((resolve) => {
      sleepers.add({ ready, deadlineMs, resolve });
    });
  };
  // What a signal made ready wakes at once, and the timer stays as it is: a signal costs no timer.
  void (async () => {
    for (;;) {
      await condition(() => told);
      told = false;
      for (const sleeper of [...sleepers]) if (sleeper.ready()) wake(sleeper, true);
    }
  })();
  void (async () => {
    for (;;) {
      await condition(() => timed > 0);
      earlier = false;
      armedFor = Math.min(...[...sleepers].map((sleeper) => sleeper.deadlineMs));
      const wait = armedFor - Date.now();
      if (wait > 0) await condition(() => earlier, wait);
      armedFor = Infinity;
      const now = Date.now();
      for (const sleeper of [...sleepers]) if (sleeper.deadlineMs <= now) wake(sleeper, sleeper.ready());
    }
  })();

  const members = new Map<string, Member>();
  let cancelled: unknown;
  // Members not yet ended, failed or gone: a count and one promise for the cohort, not a promise per member.
  let unsettled = input.members.length;
  let allSettled = () => undefined as void;
  const everyoneSettled = new Promise<void>((resolve) => (allSettled = resolve));
  const settle = () => {
    unsettled -= 1;
    if (unsettled === 0) allSettled();
  };
  if (unsettled === 0) allSettled();
  /** The status write of a member that has written none: already done, shared by them all. */
  const noStatusWrite = Promise.resolve();
  const result: JourneyCohortResult = { members: input.members.length, ended: {}, graduated: 0, failed: 0 };

  async function leave(member: Member, next: JourneyWorkflowInput): Promise<never> {
    member.state = 'leaving';
    member.left = leaveJourneyCohort({ workflowId: member.identity.workflowId, runId: member.identity.runId, next: { ...next, runId: member.identity.runId } });
    await member.left;
    member.state = 'left';
    result.graduated += 1;
    settle();
    // This member's interpreter stops here; its journey goes on in the workflow just started.
    return new Promise<never>(() => undefined);
  }

  function join(memberInput: JourneyCohortInput['members'][number], index: number): void {
    const runInput: JourneyWorkflowInput = {
      journeyId: input.journeyId,
      version: input.version,
      definition: input.definition,
      contactId: memberInput.contactId,
      ...(memberInput.entryKey === undefined ? {} : { entryKey: memberInput.entryKey }),
      ...(memberInput.entryEvent === undefined ? {} : { entryEvent: memberInput.entryEvent }),
      ...(input.maxNodesPerExecution === undefined ? {} : { maxNodesPerExecution: input.maxNodesPerExecution }),
    };
    const identity: JourneyRunIdentity = {
      workflowId: journeyWorkflowId(input.journeyId, memberInput.contactId, memberInput.entryKey),
      runId: cohortMemberRunId(info.firstExecutionRunId, index),
      journeyId: input.journeyId,
      version: input.version,
      contactId: memberInput.contactId,
      ...(memberInput.entryKey === undefined ? {} : { entryKey: memberInput.entryKey }),
    };
    const member = { identity, state: 'running', statusWrite: noStatusWrite } as Member;
    member.run = createJourneyRun(runInput, {
      now: () => Date.now(),
      waitFor: (ready) => sleep(ready, Infinity).then(() => undefined),
      waitUntil: sleep,
      shouldContinueAsNew: (nodesRun) => nodesRun >= maxNodes || workflowInfo().continueAsNewSuggested,
      continueAsNew: (next) => leave(member, next),
      finished: () => member.statusWrite,
      effects: activityEffects(identity, { recordVisit, sendEmail: send }),
    });
    members.set(identity.workflowId, member);
    // Events routed to the member before the cohort started, in the order they were routed.
    for (const event of memberInput.events ?? []) member.run.deliver(event);
    member.run.run().then(
      ({ status }) => {
        member.state = 'ended';
        result.ended[status] = (result.ended[status] ?? 0) + 1;
        settle();
      },
      async (error: unknown) => {
        try {
          if (isCancellation(error)) throw error;
          // One member's broken step (a template deleted, a contact erased mid-step) ends that member, not its cohort.
          member.state = 'failed';
          result.failed += 1;
          log.warn('journey run failed in its cohort', { workflowId: identity.workflowId, error: error instanceof Error ? error.message : String(error) });
          await setJourneyStatus({ workflowId: identity.workflowId, runId: identity.runId, status: 'stopped', at: new Date().toISOString() });
        } catch (failure) {
          cancelled ??= failure;
        }
        settle();
      },
    );
  }

  setHandler(journeyCohortMemberSignal, ({ memberId, command }) => {
    const member = members.get(memberId);
    if (member === undefined || member.state === 'ended' || member.state === 'failed') return;
    if (member.state === 'leaving' || member.state === 'left') {
      // Sent before the member's row said where it went: passed on, in the order it came.
      const forwarded = (member.left ?? Promise.resolve()).then(() => signalOwnWorkflow(getExternalWorkflowHandle(memberId), command));
      member.left = forwarded.catch((error: unknown) => log.warn('a signal for a member that left was not passed on', { memberId, error: String(error) }));
      return;
    }
    const { run } = member;
    told = true;
    switch (command.kind) {
      case 'event':
        run.deliver(command.event);
        return;
      case 'stop':
        run.stop(command.reason);
        return;
      case 'migrate':
        run.migrate(command.target);
        return;
      case 'pause':
      case 'resume': {
        if (command.kind === 'pause') run.pause();
        else run.resume();
        // Written as it happens, so a member paused mid-delay shows so; after the one before it.
        member.statusWrite = member.statusWrite.then(async () => {
          if (run.ending()) return;
          await setJourneyStatus({ workflowId: memberId, runId: member.identity.runId, status: run.paused() ? 'paused' : 'running', at: new Date().toISOString() });
        });
        return;
      }
    }
  });

  input.members.forEach((member, index) => join(member, index));
  await everyoneSettled;
  if (cancelled !== undefined) throw cancelled;
  // Signals passed on to members that left are delivered before the cohort ends.
  await Promise.all([...members.values()].map((member) => member.left));
  return result;
}
