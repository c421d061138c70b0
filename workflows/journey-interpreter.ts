// The journey interpreter: what a contact's run does at each node, when it waits, what ends it.
// It runs inside a workflow and reaches the world only through a runtime: `journeyWorkflow` gives it
// activities and Temporal timers (one contact per workflow), the dry run gives it effects that only
// record and a clock it drives itself (a cohort of contacts per workflow). One interpreter, so a dry
// run shows what the journey would really do.
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { SendEmailResult } from '../activities/email.activities.js';
import type { JourneyDefinition, JourneyNode, NodeOfType } from '../domain/journeys/definition.js';
import { durationMs } from '../domain/journeys/duration.js';
import {
  chooseBranch,
  dateTraitTarget,
  nextAnniversary,
  entryKeyOf,
  eventMatches,
  factsNeeded,
  needsFacts,
  nextLocalTime,
  pickSplitArm,
  type ContactFacts,
  type FactsRequest,
} from '../domain/journeys/evaluate.js';
import type {
  JourneyCarriedState,
  JourneyEventPayload,
  JourneyRunStatus,
  JourneyState,
  JourneyVisitOutcome,
  JourneyWorkflowInput,
  JourneyWorkflowResult,
  MigrateJourneyInput,
} from './journey.contract.js';

/** Nodes run before starting afresh: the history stays small even for a journey that loops for months. */
export const NODES_PER_EXECUTION = 200;
const PATH_KEPT = 100;
const EVENT_IDS_KEPT = 200;
const INBOX_KEPT = 100;

/** What a node does outside the run's own state; `visit` numbers a node's visits, for idempotent causes. */
export interface JourneyEffects {
  recordVisit(visit: { nodeId: string; visit: number; outcome: JourneyVisitOutcome; at: string; status: JourneyRunStatus; startedAt: string }): Promise<void>;
  sendEmail(request: { nodeId: string; visit: number; node: NodeOfType<'send_email'>; data: Record<string, unknown> }): Promise<SendEmailResult>;
  loadFacts(request: FactsRequest, since: string): Promise<ContactFacts>;
  setStage(request: { nodeId: string; stage: NodeOfType<'set_stage'>['stage']; at: string }): Promise<unknown>;
  setTrait(request: { nodeId: string; trait: string; value: unknown; at: string }): Promise<unknown>;
  issueCoupon(request: { nodeId: string; visit: number; node: NodeOfType<'issue_coupon'>; at: string }): Promise<{ code: string; expiresAt: string }>;
  handOff(request: { nodeId: string; visit: number; reason: string }): Promise<void>;
  /** `skipped` when the partner's endpoint never answered: the contact moves on. */
  callWebhook(request: { nodeId: string; visit: number; node: NodeOfType<'webhook'>; data: Record<string, unknown> }): Promise<'completed' | 'skipped'>;
}

export interface JourneyRuntime {
  /** Journey time, in ms. */
  now(): number;
  /** Resolves once `ready()` holds. */
  waitFor(ready: () => boolean): Promise<void>;
  /** Resolves true once `ready()` holds, false if `deadlineMs` (journey time) comes first. */
  waitUntil(ready: () => boolean, deadlineMs: number): Promise<boolean>;
  effects: JourneyEffects;
  shouldContinueAsNew(nodesRun: number): boolean;
  continueAsNew(next: JourneyWorkflowInput): Promise<never>;
  /** Called after the last visit is recorded, before the result is returned. */
  finished(): Promise<void>;
}

export interface JourneyRun {
  /** An event for this run (by signal, or from a dry run's stream); one seen before counts once. */
  deliver(event: JourneyEventPayload): void;
  pause(): void;
  resume(): void;
  stop(reason: string): void;
  migrate(target: MigrateJourneyInput): void;
  state(): JourneyState;
  paused(): boolean;
  /** A goal, exit or stop has cut the run short, or it has finished: no more status changes to write. */
  ending(): boolean;
  run(): Promise<JourneyWorkflowResult>;
}

type Ending = { status: 'exited_goal' | 'exited' | 'stopped'; outcome: 'goal' | 'exit' | 'stopped' };

/** What running one node decided: where to go next, or that something interrupted it. */
type Step =
  | { kind: 'next'; next: string; outcome: 'completed' | 'timeout' | 'skipped' }
  | { kind: 'end'; status: 'completed' | 'exited_timeout' }
  | { kind: 'interrupted' };

/**
 * One contact's run of a definition. The definition travels frozen in the input, so a published
 * change never alters a contact already inside; goals and exits end the run wherever the contact is.
 */
export function createJourneyRun(input: JourneyWorkflowInput, runtime: JourneyRuntime): JourneyRun {
  const { effects } = runtime;
  const iso = () => new Date(runtime.now()).toISOString();
  const definition: JourneyDefinition = input.definition;
  const state: JourneyCarriedState = input.carried ?? {
    startedAt: iso(),
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

  function deliver(event: JourneyEventPayload): void {
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
  }

  // Plain functions returning the effect's promise, not async ones: in a workflow every promise costs a
  // captured stack trace, and a dry run makes millions of these calls.
  const record = (nodeId: string, visit: number, outcome: JourneyVisitOutcome, runStatus: JourneyRunStatus = status()): Promise<void> => {
    const at = iso();
    state.path.push({ nodeId, at, outcome });
    if (state.path.length > PATH_KEPT) state.path.shift();
    return effects.recordVisit({ nodeId, visit, outcome, at, status: runStatus, startedAt: state.startedAt });
  };

  // The waits below are plain functions chaining `.then` where an async function would add its own
  // promise to the one it awaits: in a cohort each member makes them, and each promise costs a
  // captured stack trace. Each `.then` stands for the `await` it replaces, so every run still resumes
  // after the same number of microtask turns and a cohort's members reach its batches in the same
  // order (the batches' inputs, hence the commands, stay those of recorded histories).

  /** Waits until `untilMs` (journey time); false when a stop, goal, exit or version move cut it short. */
  const sleepUntil = (untilMs: number): Promise<boolean> => {
    const remaining = untilMs - runtime.now();
    if (remaining <= 0) return Promise.resolve(!interrupted());
    return runtime.waitUntil(interrupted, untilMs).then(() => !interrupted());
  };

  const facts = async (request: FactsRequest): Promise<ContactFacts> => (needsFacts(request) ? effects.loadFacts(request, state.startedAt) : { traits: {}, eventsSeen: {} });

  const emailData = () => ({
    journey: { id: input.journeyId, version: input.version },
    ...(state.coupon === undefined ? {} : { coupon: state.coupon }),
    ...(input.entryEvent === undefined ? {} : { event: input.entryEvent.properties }),
    ...(state.lastEvent === undefined ? {} : { lastEvent: state.lastEvent.properties }),
  });

  async function runSendEmail(nodeId: string, node: NodeOfType<'send_email'>, visit: number): Promise<Step> {
    for (;;) {
      const result = await effects.sendEmail({ nodeId, visit, node, data: { ...emailData(), ...(node.sender === undefined ? {} : { sender: node.sender }) } });
      if (result.status === 'skipped') return { kind: 'next', next: node.next, outcome: 'skipped' };
      if (result.status !== 'deferred') return { kind: 'next', next: node.next, outcome: 'completed' };
      // Quiet hours or a budget: ask again at the time given, with the same cause.
      if (!(await sleepUntil(Date.parse(result.until)))) return { kind: 'interrupted' };
    }
  }

  const afterDelay = (node: NodeOfType<'delay'>, awake: boolean): Step => (awake ? { kind: 'next', next: node.next, outcome: 'completed' } : { kind: 'interrupted' });

  function runDelay(node: NodeOfType<'delay'>): Promise<Step> {
    // A duration loads nothing: no async function around its wait.
    if (node.wait.kind === 'duration') return sleepUntil(runtime.now() + durationMs(node.wait.duration)).then((awake) => afterDelay(node, awake));
    return runLoadedDelay(node, node.wait);
  }

  /** A delay whose end depends on the contact's traits. */
  async function runLoadedDelay(node: NodeOfType<'delay'>, wait: Exclude<NodeOfType<'delay'>['wait'], { kind: 'duration' }>): Promise<Step> {
    let until: number | undefined;
    switch (wait.kind) {
      case 'time_of_day': {
        const { traits } = await facts({ traits: ['timezone'], stage: false, score: false, eventTypes: [] });
        const zone = typeof traits['timezone'] === 'string' ? traits['timezone'] : wait.defaultTimezone;
        until = nextLocalTime(runtime.now(), wait.at, zone, wait.weekdays);
        break;
      }
      case 'until_date_trait': {
        // Only an annual wait asks for the time zone: a definition without it loads exactly what it always did.
        const { traits } = await facts({ traits: wait.annual === undefined ? [wait.trait] : [wait.trait, 'timezone'], stage: false, score: false, eventTypes: [] });
        const offsetMs = wait.offset === undefined ? 0 : durationMs(wait.offset);
        if (wait.annual === undefined) until = dateTraitTarget(traits[wait.trait], offsetMs);
        else {
          const zone = typeof traits['timezone'] === 'string' ? traits['timezone'] : wait.annual.defaultTimezone;
          // The offset moves the moment (a reminder a week before); the anniversary searched is the one after it.
          const anniversary = nextAnniversary(traits[wait.trait], runtime.now() - offsetMs, wait.annual.at, zone);
          // No date: the run ends here rather than going round a yearly loop with nothing to wait for;
          // the journey's re-entry policy lets the contact in again once a later event brings the date.
          if (anniversary === undefined) return { kind: 'end', status: 'completed' };
          until = anniversary + offsetMs;
        }
        // No date to wait for: the contact moves on rather than waiting forever.
        if (until === undefined) return { kind: 'next', next: node.next, outcome: 'skipped' };
        break;
      }
    }
    return afterDelay(node, await sleepUntil(until));
  }

  // Each event ends at most one wait. A wait sees the events that arrived after the one the previous
  // wait took, including those that came while an e-mail was being sent or before the first node ran.
  let consumedUpTo = 0;
  function runWait(node: NodeOfType<'wait_for_event'>): Promise<Step> {
    const match = () =>
      inbox.find(({ seq, event }) => seq > consumedUpTo && eventMatches(node, event) && (node.sameEntryKey !== true || sameKey(event)));
    return runtime.waitUntil(() => interrupted() || match() !== undefined, runtime.now() + durationMs(node.timeout)).then((arrived): Step => {
      if (interrupted()) return { kind: 'interrupted' };
      const matched = match();
      if (!arrived || matched === undefined) return { kind: 'next', next: node.onTimeout, outcome: 'timeout' };
      consumedUpTo = matched.seq;
      state.lastEvent = matched.event;
      return { kind: 'next', next: node.next, outcome: 'completed' };
    });
  }

  function runNode(nodeId: string, node: JourneyNode, visit: number, lastOutcome: JourneyVisitOutcome | undefined): Promise<Step> {
    switch (node.type) {
      case 'send_email':
        return runSendEmail(nodeId, node, visit);
      case 'delay':
        return runDelay(node);
      case 'wait_for_event':
        return runWait(node);
      default:
        return runInstantNode(nodeId, node, visit, lastOutcome);
    }
  }

  async function runInstantNode(
    nodeId: string,
    node: Exclude<JourneyNode, { type: 'send_email' | 'delay' | 'wait_for_event' }>,
    visit: number,
    lastOutcome: JourneyVisitOutcome | undefined,
  ): Promise<Step> {
    switch (node.type) {
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
        await effects.setStage({ nodeId, stage: node.stage, at: iso() });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'set_trait':
        await effects.setTrait({ nodeId, trait: node.trait, value: node.value, at: iso() });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'issue_coupon':
        state.coupon = await effects.issueCoupon({ nodeId, visit, node, at: iso() });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'hand_off':
        await effects.handOff({ nodeId, visit, reason: node.reason });
        return { kind: 'next', next: node.next, outcome: 'completed' };
      case 'webhook':
        return { kind: 'next', next: node.next, outcome: await effects.callWebhook({ nodeId, visit, node, data: emailData() }) };
      case 'exit':
        // A run that ends right after a wait ran out counts as exited by timeout in the analytics.
        return { kind: 'end', status: lastOutcome === 'timeout' ? 'exited_timeout' : 'completed' };
    }
  }

  const finish = async (nodeId: string, visit: number, outcome: JourneyVisitOutcome, result: JourneyWorkflowResult['status']) => {
    finalStatus = result;
    await record(nodeId, visit, outcome, result);
    await runtime.finished();
    return { status: result, lastNodeId: nodeId };
  };

  async function run(): Promise<JourneyWorkflowResult> {
    let nodeId = input.resumeAt ?? definition.start;
    let lastOutcome: JourneyVisitOutcome | undefined = state.path.at(-1)?.outcome;
    for (let steps = 0; ; steps += 1) {
      currentNodeId = nodeId;
      if (ending === undefined && migration !== undefined) {
        const target: MigrateJourneyInput = migration;
        const mapped = target.nodeMap[nodeId] ?? (target.definition.nodes[nodeId] === undefined ? undefined : nodeId);
        if (mapped !== undefined && target.definition.nodes[mapped] !== undefined) {
          await runtime.continueAsNew({ ...input, version: target.version, definition: target.definition, resumeAt: mapped, carried: state });
        }
        log.warn('version move ignored: the new version has no node for this one', { nodeId, version: target.version });
        migration = undefined;
      }
      if (ending === undefined && state.paused) await runtime.waitFor(() => !state.paused || interrupted());
      if (ending !== undefined) return finish(nodeId, state.visits[nodeId] ?? 0, ending.outcome, ending.status);
      if (migration !== undefined) continue;
      if (runtime.shouldContinueAsNew(steps)) {
        await runtime.continueAsNew({ ...input, resumeAt: nodeId, carried: state });
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

  return {
    deliver,
    pause: () => {
      state.paused = true;
    },
    resume: () => {
      state.paused = false;
    },
    stop: (reason) => {
      if (finalStatus !== undefined) return;
      log.info('journey stopped', { reason });
      ending = { status: 'stopped', outcome: 'stopped' };
    },
    migrate: (target) => {
      migration = target;
    },
    state: () => ({ journeyId: input.journeyId, version: input.version, status: status(), currentNodeId, path: state.path }),
    paused: () => state.paused,
    ending: () => finalStatus !== undefined || ending !== undefined,
    run,
  };
}
