import { ActivityFailure, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { JourneyDefinition, JourneyNode, NodeOfType } from '../domain/journeys/definition.js';
import { durationMs } from '../domain/journeys/duration.js';
import {
  chooseBranch,
  dateTraitTarget,
  entryKeyOf,
  eventMatches,
  factsNeeded,
  needsFacts,
  nextLocalTime,
  pickSplitArm,
  type ContactFacts,
} from '../domain/journeys/evaluate.js';
import {
  journeyEventSignal,
  journeyStateQuery,
  migrateJourneySignal,
  pauseJourneySignal,
  resumeJourneySignal,
  stopJourneySignal,
  type JourneyCarriedState,
  type JourneyEventPayload,
  type JourneyRunStatus,
  type JourneyVisitOutcome,
  type JourneyWorkflowInput,
  type JourneyWorkflowResult,
  type MigrateJourneyInput,
} from './journey.contract.js';

const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const { recordJourneyVisit, setJourneyStatus, loadContactFacts, setContactStage, setContactTrait, issueCoupon, requestHandoff } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

// A partner's endpoint can be down for a while, but not forever: after about a day of attempts
// the node is recorded as skipped and the contact moves on.
const { callWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 3, maximumInterval: '4 hours', maximumAttempts: 10 },
});

/** Nodes run before starting afresh: the history stays small even for a journey that loops for months. */
const NODES_PER_EXECUTION = 200;
const PATH_KEPT = 100;
const EVENT_IDS_KEPT = 200;
const INBOX_KEPT = 100;

type Ending = { status: 'exited_goal' | 'exited' | 'stopped'; outcome: 'goal' | 'exit' | 'stopped' };

/** What running one node decided: where to go next, or that something interrupted it. */
type Step =
  | { kind: 'next'; next: string; outcome: 'completed' | 'timeout' | 'skipped' }
  | { kind: 'end'; status: 'completed' | 'exited_timeout' }
  | { kind: 'interrupted' };

/**
 * Runs any journey definition for one contact. The definition travels frozen in the input, so a
 * published change never alters a contact already inside; events arrive by signal; goals and exits
 * end the run wherever the contact is.
 */
export async function journeyWorkflow(input: JourneyWorkflowInput): Promise<JourneyWorkflowResult> {
  const info = workflowInfo();
  const definition: JourneyDefinition = input.definition;
  const state: JourneyCarriedState = input.carried ?? {
    startedAt: new Date().toISOString(),
    path: [],
    visits: {},
    seenEventIds: input.entryEvent === undefined ? [] : [input.entryEvent.eventId],
    paused: false,
  };
  const seen = new Set(state.seenEventIds);
  const inbox: { seq: number; event: JourneyEventPayload }[] = [];
  let received = 0;
  let ending: Ending | undefined;
  let migration: MigrateJourneyInput | undefined;
  let currentNodeId: string | null = null;
  let finalStatus: JourneyWorkflowResult['status'] | undefined;

  const keyOf = (event: JourneyEventPayload) => event.entryKey ?? entryKeyOf(definition.entryKey, event);
  const sameKey = (event: JourneyEventPayload) => input.entryKey === undefined || keyOf(event) === input.entryKey;
  const interrupted = () => ending !== undefined || migration !== undefined;
  const status = (): JourneyRunStatus => finalStatus ?? ending?.status ?? (state.paused ? 'paused' : 'running');

  setHandler(journeyEventSignal, (event) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    state.seenEventIds.push(event.eventId);
    if (state.seenEventIds.length > EVENT_IDS_KEPT) seen.delete(state.seenEventIds.shift() as string);
    if (ending !== undefined || finalStatus !== undefined) return;
    for (const criterion of definition.exits) {
      if (eventMatches(criterion, event) && (criterion.sameEntryKey !== true || sameKey(event))) {
        ending = criterion.outcome === 'goal' ? { status: 'exited_goal', outcome: 'goal' } : { status: 'exited', outcome: 'exit' };
        return;
      }
    }
    received += 1;
    inbox.push({ seq: received, event });
    if (inbox.length > INBOX_KEPT) inbox.shift();
  });
  setHandler(pauseJourneySignal, () => {
    state.paused = true;
  });
  setHandler(resumeJourneySignal, () => {
    state.paused = false;
  });
  setHandler(stopJourneySignal, ({ reason }) => {
    if (finalStatus !== undefined) return;
    log.info('journey stopped', { reason });
    ending = { status: 'stopped', outcome: 'stopped' };
  });
  setHandler(migrateJourneySignal, (target) => {
    migration = target;
  });
  setHandler(journeyStateQuery, () => ({
    journeyId: input.journeyId,
    version: input.version,
    status: status(),
    currentNodeId,
    path: state.path,
  }));

  const record = async (nodeId: string, visit: number, outcome: JourneyVisitOutcome, runStatus: JourneyRunStatus = status()) => {
    const at = new Date().toISOString();
    state.path.push({ nodeId, at, outcome });
    if (state.path.length > PATH_KEPT) state.path.shift();
    await recordJourneyVisit({
      workflowId: info.workflowId,
      runId: info.firstExecutionRunId,
      journeyId: input.journeyId,
      version: input.version,
      contactId: input.contactId,
      ...(input.entryKey === undefined ? {} : { entryKey: input.entryKey }),
      nodeId,
      visit,
      outcome,
      at,
      status: runStatus,
      startedAt: state.startedAt,
    });
  };

  // Pause and resume are written as they happen, beside the main path, so a run paused mid-delay shows so.
  let statusWritten: JourneyRunStatus = state.paused ? 'paused' : 'running';
  const statusSync = (async () => {
    for (;;) {
      await condition(() => finalStatus !== undefined || ending !== undefined || (state.paused ? 'paused' : 'running') !== statusWritten);
      if (finalStatus !== undefined || ending !== undefined) return;
      statusWritten = state.paused ? 'paused' : 'running';
      await setJourneyStatus({ workflowId: info.workflowId, runId: info.firstExecutionRunId, status: statusWritten, at: new Date().toISOString() });
    }
  })();

  /** Waits until `untilMs` (journey time); false when a stop, goal, exit or version move cut it short. */
  const sleepUntil = async (untilMs: number): Promise<boolean> => {
    const remaining = untilMs - Date.now();
    if (remaining <= 0) return !interrupted();
    await condition(interrupted, remaining);
    return !interrupted();
  };

  const facts = async (request: ReturnType<typeof factsNeeded>): Promise<ContactFacts> =>
    needsFacts(request) ? loadContactFacts({ contactId: input.contactId, request, since: state.startedAt }) : { traits: {}, eventsSeen: {} };

  const emailData = () => ({
    journey: { id: input.journeyId, version: input.version },
    ...(state.coupon === undefined ? {} : { coupon: state.coupon }),
    ...(input.entryEvent === undefined ? {} : { event: input.entryEvent.properties }),
    ...(state.lastEvent === undefined ? {} : { lastEvent: state.lastEvent.properties }),
  });

  const cause = (nodeId: string, visit: number) => `${info.workflowId}/${info.firstExecutionRunId}/${nodeId}/${visit}`;

  async function runSendEmail(nodeId: string, node: NodeOfType<'send_email'>, visit: number): Promise<Step> {
    for (;;) {
      const result = await sendEmail({
        cause: cause(nodeId, visit),
        contactId: input.contactId,
        template: node.template,
        category: node.category,
        ...(node.topic === undefined ? {} : { topic: node.topic }),
        data: { ...emailData(), ...(node.sender === undefined ? {} : { sender: node.sender }) },
      });
      if (result.status === 'skipped') return { kind: 'next', next: node.next, outcome: 'skipped' };
      if (result.status !== 'deferred') return { kind: 'next', next: node.next, outcome: 'completed' };
      // Quiet hours or a budget: ask again at the time given, with the same cause.
      if (!(await sleepUntil(Date.parse(result.until)))) return { kind: 'interrupted' };
    }
  }

  async function runDelay(node: NodeOfType<'delay'>): Promise<Step> {
    const { wait } = node;
    let until: number | undefined;
    switch (wait.kind) {
      case 'duration':
        until = Date.now() + durationMs(wait.duration);
        break;
      case 'time_of_day': {
        const { traits } = await facts({ traits: ['timezone'], stage: false, score: false, eventTypes: [] });
        const zone = typeof traits['timezone'] === 'string' ? traits['timezone'] : wait.defaultTimezone;
        until = nextLocalTime(Date.now(), wait.at, zone, wait.weekdays);
        break;
      }
      case 'until_date_trait': {
        const { traits } = await facts({ traits: [wait.trait], stage: false, score: false, eventTypes: [] });
        until = dateTraitTarget(traits[wait.trait], wait.offset === undefined ? 0 : durationMs(wait.offset));
        // No date to wait for: the contact moves on rather than waiting forever.
        if (until === undefined) return { kind: 'next', next: node.next, outcome: 'skipped' };
        break;
      }
    }
    if (!(await sleepUntil(until))) return { kind: 'interrupted' };
    return { kind: 'next', next: node.next, outcome: 'completed' };
  }

  // Each event ends at most one wait. A wait sees the events that arrived after the one the previous
  // wait took, including those that came while an e-mail was being sent or before the first node ran.
  let consumedUpTo = 0;
  async function runWait(node: NodeOfType<'wait_for_event'>): Promise<Step> {
    const match = () =>
      inbox.find(({ seq, event }) => seq > consumedUpTo && eventMatches(node, event) && (node.sameEntryKey !== true || sameKey(event)));
    const arrived = await condition(() => interrupted() || match() !== undefined, durationMs(node.timeout));
    if (interrupted()) return { kind: 'interrupted' };
    const matched = match();
    if (!arrived || matched === undefined) return { kind: 'next', next: node.onTimeout, outcome: 'timeout' };
    consumedUpTo = matched.seq;
    state.lastEvent = matched.event;
    return { kind: 'next', next: node.next, outcome: 'completed' };
  }

  async function runNode(nodeId: string, node: JourneyNode, visit: number, lastOutcome: JourneyVisitOutcome | undefined): Promise<Step> {
    const at = () => new Date().toISOString();
    switch (node.type) {
      case 'send_email':
        return runSendEmail(nodeId, node, visit);
      case 'delay':
        return runDelay(node);
      case 'wait_for_event':
        return runWait(node);
      case 'branch': {
        const conditions = node.conditions.flatMap((arm) => arm.when);
        const known = await facts(factsNeeded(conditions));
        return { kind: 'next', next: chooseBranch(node.conditions, node.default, known, state.lastEvent), outcome: 'completed' };
      }
      case 'random_split': {
        const arm = pickSplitArm(input.contactId, input.journeyId, nodeId, node.branches.map((branch) => branch.weight));
        return { kind: 'next', next: (node.branches[arm] ?? node.branches[0])?.next as string, outcome: 'completed' };
      }
      case 'set_stage':
        await setContactStage({ contactId: input.contactId, stage: node.stage, journeyId: input.journeyId, nodeId, at: at() });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'set_trait':
        await setContactTrait({ contactId: input.contactId, trait: node.trait, value: node.value, journeyId: input.journeyId, nodeId, at: at() });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'issue_coupon':
        state.coupon = await issueCoupon({
          cause: cause(nodeId, visit),
          contactId: input.contactId,
          journeyId: input.journeyId,
          nodeId,
          discount: node.discount,
          validityDays: node.validityDays,
          ...(node.category === undefined ? {} : { category: node.category }),
          at: at(),
        });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'hand_off':
        await requestHandoff({ cause: cause(nodeId, visit), contactId: input.contactId, journeyId: input.journeyId, nodeId, reason: node.reason });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'webhook':
        try {
          await callWebhook({ cause: cause(nodeId, visit), contactId: input.contactId, journeyId: input.journeyId, nodeId, url: node.url, body: node.body, data: emailData() });
          return { kind: 'next', next: node.next, outcome: 'completed' };
        } catch (error) {
          if (!(error instanceof ActivityFailure)) throw error;
          log.warn('webhook gave up', { nodeId, error: error.cause?.message ?? error.message });
          return { kind: 'next', next: node.next, outcome: 'skipped' };
        }
      case 'exit':
        // A run that ends right after a wait ran out counts as exited by timeout in the analytics.
        return { kind: 'end', status: lastOutcome === 'timeout' ? 'exited_timeout' : 'completed' };
    }
  }

  const finish = async (nodeId: string, visit: number, outcome: JourneyVisitOutcome, result: JourneyWorkflowResult['status']) => {
    finalStatus = result;
    await record(nodeId, visit, outcome, result);
    await statusSync;
    return { status: result, lastNodeId: nodeId };
  };

  let nodeId = input.resumeAt ?? definition.start;
  let lastOutcome: JourneyVisitOutcome | undefined = state.path.at(-1)?.outcome;
  for (let steps = 0; ; steps += 1) {
    currentNodeId = nodeId;
    if (ending === undefined && migration !== undefined) {
      const target: MigrateJourneyInput = migration;
      const mapped = target.nodeMap[nodeId] ?? (target.definition.nodes[nodeId] === undefined ? undefined : nodeId);
      if (mapped !== undefined && target.definition.nodes[mapped] !== undefined) {
        await continueAsNew<typeof journeyWorkflow>({ ...input, version: target.version, definition: target.definition, resumeAt: mapped, carried: state });
      }
      log.warn('version move ignored: the new version has no node for this one', { nodeId, version: target.version });
      migration = undefined;
    }
    if (ending === undefined && state.paused) await condition(() => !state.paused || interrupted());
    if (ending !== undefined) return finish(nodeId, state.visits[nodeId] ?? 0, ending.outcome, ending.status);
    if (migration !== undefined) continue;
    if (steps >= (input.maxNodesPerExecution ?? NODES_PER_EXECUTION) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof journeyWorkflow>({ ...input, resumeAt: nodeId, carried: state });
    }

    const node = definition.nodes[nodeId];
    if (node === undefined) throw ApplicationFailure.nonRetryable(`journey ${input.journeyId} v${input.version} has no node "${nodeId}"`, 'UnknownJourneyNode');
    const visit = (state.visits[nodeId] ?? 0) + 1;
    state.visits[nodeId] = visit;
    await record(nodeId, visit, 'entered');
    const step = await runNode(nodeId, node, visit, lastOutcome);
    if (step.kind === 'interrupted') continue;
    if (step.kind === 'end') return finish(nodeId, visit, 'completed', step.status);
    await record(nodeId, visit, step.outcome);
    lastOutcome = step.outcome;
    nodeId = step.next;
  }
}
