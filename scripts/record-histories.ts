/**
 * Records the histories that test/workflows/replay.test.ts replays against the current workflow code,
 * so that a workflow change which would break journeys already running fails the build.
 *
 * `npm run replay:record` runs every scenario below in Temporal's time-skipping test server and
 * writes `test/replay/histories/<workflowType>-<scenario>.json` (the JSON `temporal workflow show
 * -o json` prints, so a history fetched from a real cluster can be dropped in beside them).
 * Existing files are kept: they are the record of the code that produced them, and overwriting one
 * after a change would make the replay test compare the new code with itself. `--force` rewrites
 * them all (only for a workflow that has never run anywhere that matters).
 *
 * Activities are small in-process implementations returning what the real ones return: a history
 * keeps only their results, replay never runs them, so recording needs no PostgreSQL and no SMTP.
 */
import { mkdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type History, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { emailIdFor } from '../activities/email.activities.js';
import type { Activities } from '../activities/index.js';
import { handoffWorkflowId, journeyWorkflowId, newsletterWorkflowId, rescoreWorkflowId, STAGE_REVIEW_WORKFLOW_ID, subscriptionConfirmationWorkflowId, welcomeWorkflowId } from '../workflows/ids.js';
import { salesActionSignal } from '../workflows/handoff.signals.js';
import { journeyEventSignal, pauseJourneySignal, resumeJourneySignal } from '../workflows/journey.contract.js';
import { journeyCohortMemberSignal } from '../workflows/journey-cohort.contract.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import { cancelSignal, pauseSignal, resumeSignal } from '../workflows/newsletter.messages.js';
import { loadJourneyTemplate } from '../templates/journey-templates.js';
import type * as Workflows from '../workflows/index.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { ensureTemporalTestServer } from './temporal-tools.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test/replay/histories');

type WorkflowType = keyof typeof Workflows;

interface DriveContext {
  env: TestWorkflowEnvironment;
  handle: WorkflowHandle;
}

export interface Scenario {
  workflowType: WorkflowType;
  /** kebab-case; the file is `<workflowType>-<scenario>.json`. */
  scenario: string;
  workflowId: string;
  args: unknown[];
  /** Only the activities this path calls; any other call fails the recording. */
  activities: Partial<Activities>;
  /**
   * How the recorded execution ends: `completed`/`failed` wait for its result; `running` runs
   * `drive` and takes the history of a journey still in flight, as a deploy would find it.
   * A `completed`/`failed` scenario may `drive` it (signals, time) before its result is awaited.
   */
  outcome: 'completed' | 'failed' | 'running';
  drive?: (context: DriveContext) => Promise<void>;
}

function scenario<W extends WorkflowType>(
  definition: Omit<Scenario, 'workflowType' | 'args'> & { workflowType: W; args: Parameters<(typeof Workflows)[W]> },
): Scenario {
  return definition;
}

export function historyFileName(s: Pick<Scenario, 'workflowType' | 'scenario'>): string {
  return `${s.workflowType}-${s.scenario}.json`;
}

/** Hands out canned results in order and fails loudly when the workflow asks for more than the scenario planned. */
function inOrder<T>(name: string, results: T[]): () => Promise<T> {
  let next = 0;
  return async () => {
    const result = results[next];
    if (result === undefined) throw ApplicationFailure.nonRetryable(`${name} called more often than the scenario planned`);
    next += 1;
    return result;
  };
}

// Fixed ids: re-recording gives the same inputs, so a diff of a history file shows what changed.
const GRACE = '0b8f3c52-6d1e-4c1a-9a57-3f2f0c6b1a01';
const NOBODY = '0b8f3c52-6d1e-4c1a-9a57-3f2f0c6b1a02';
const contactId = (n: number) => `7d3a9e10-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const NEWSLETTER = (n: number) => `5e0c1a77-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const counts = (total: number, sent: number, skipped: Record<string, number> = {}) => {
  const skippedTotal = Object.values(skipped).reduce((sum, n) => sum + n, 0);
  return { total, queued: total - sent - skippedTotal, sent, skipped, failed: 0 };
};
/** A page of a local-time newsletter that leaves the rest due an hour later (on the workflow's clock). */
const laterZone = (input: { dueBy: string }) => new Date(Date.parse(input.dueBy) + 3_600_000).toISOString();

export const SCENARIOS: Scenario[] = [
  scenario({
    workflowType: 'welcomeWorkflow',
    scenario: 'sent',
    workflowId: welcomeWorkflowId(GRACE),
    args: [{ contactId: GRACE }],
    activities: { sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }) },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'welcomeWorkflow',
    scenario: 'no-email-address',
    workflowId: welcomeWorkflowId(NOBODY),
    args: [{ contactId: NOBODY }],
    activities: {
      sendEmail: async (input) => {
        throw ApplicationFailure.nonRetryable(`contact ${input.contactId} has no e-mail address`, 'NoEmailAddress');
      },
    },
    outcome: 'failed',
  }),
  scenario({
    workflowType: 'rescoreWorkflow',
    scenario: 'two-pages',
    workflowId: rescoreWorkflowId('b2b-default', 2),
    args: [{ modelId: 'b2b-default', version: 2, afterContactId: null, rescored: 0 }],
    activities: {
      rescorePage: inOrder('rescorePage', [
        { rescored: 200, lastContactId: contactId(200) },
        { rescored: 57, lastContactId: contactId(257) },
      ]),
    },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'rescoreWorkflow',
    scenario: 'superseded',
    workflowId: rescoreWorkflowId('b2b-default', 3),
    args: [{ modelId: 'b2b-default', version: 3, afterContactId: null, rescored: 0 }],
    activities: {
      rescorePage: async (input) => {
        throw ApplicationFailure.nonRetryable(
          `model ${input.modelId} v${input.version} is no longer active (active: ${input.modelId} v4)`,
          'ModelSuperseded',
        );
      },
    },
    outcome: 'failed',
  }),
  scenario({
    workflowType: 'stageReviewWorkflow',
    scenario: 'two-rounds',
    workflowId: STAGE_REVIEW_WORKFLOW_ID,
    args: [{ intervalMinutes: 60 }],
    activities: {
      reviewStages: inOrder('reviewStages', [
        { reviewed: 500, demoted: 12 },
        { reviewed: 41, demoted: 3 },
        { reviewed: 0, demoted: 0 },
      ]),
    },
    outcome: 'running',
    // Round one (a full page, then a short one), the interval, round two, and the next wait begun.
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await env.sleep('60 minutes');
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
    },
  }),
  scenario({
    workflowType: 'journeyScheduleTickWorkflow',
    scenario: 'two-pages',
    // What the schedule starts: its own id plus the tick's time.
    workflowId: 'journey-tick:end-of-year-2026-12-26T08:00:00Z',
    args: [{ journeyId: 'end-of-year' }],
    activities: {
      enqueueScheduledEntries: inOrder('enqueueScheduledEntries', [
        { enqueued: 1000, next: contactId(1000) },
        { enqueued: 312 },
      ]),
    },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'handoffWorkflow',
    scenario: 'accepted-won',
    workflowId: handoffWorkflowId(contactId(1)),
    args: [{ contactId: contactId(1), reason: 'became MQL', source: 'mql', transitionId: 42 }],
    activities: handoffActivities({ crm: 'none' }),
    outcome: 'completed',
    // Notified, the reminder timer running: the rep accepts, later wins the deal.
    drive: async ({ handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await handle.signal(salesActionSignal, { status: 'accepted' });
      await handle.signal(salesActionSignal, { status: 'won' });
    },
  }),
  scenario({
    workflowType: 'handoffWorkflow',
    scenario: 'escalated-rejected-recycled',
    workflowId: handoffWorkflowId(contactId(2)),
    args: [{ contactId: contactId(2), reason: 'requested by journey', source: 'journey:inbound-nurture' }],
    activities: handoffActivities({ crm: 'dead-letter' }),
    outcome: 'completed',
    // The CRM refuses (dead letter), nobody answers: reminder, escalation; the rep rejects; the cooldown recycles.
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await env.sleep('3 hours');
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
      await env.sleep('3 hours');
      // open, assign, summarise, notify, dead letter, reminder, its e-mail, breach, escalation e-mail.
      await eventsReached(handle, 'activityTaskCompletedEventAttributes', 9);
      await handle.signal(salesActionSignal, { status: 'rejected' });
    },
  }),
  scenario({
    workflowType: 'subscriptionConfirmationWorkflow',
    scenario: 'sent',
    workflowId: subscriptionConfirmationWorkflowId(GRACE, 'newsletter', '2026-11-23T10:00:00.000Z'),
    args: [{ contactId: GRACE, topic: 'newsletter' }],
    activities: { sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }) },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'journeyWorkflow',
    scenario: 'nurture-mid-wait',
    workflowId: journeyWorkflowId('inbound-nurture', contactId(301)),
    args: [
      {
        journeyId: 'inbound-nurture',
        version: 1,
        definition: await loadJourneyTemplate('inbound-nurture'),
        contactId: contactId(301),
        entryEvent: { eventId: '9001', type: 'form_submitted', properties: { form: 'guide' } },
      },
    ],
    activities: {
      recordJourneyVisit: async () => undefined,
      sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
    },
    outcome: 'running',
    // Welcomed, three days of silence, the first guide, and the second wait begun.
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await env.sleep('3 days');
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
    },
  }),
  scenario({
    workflowType: 'journeyWorkflow',
    // Recorded after the `journey-local-steps` patch: visits and e-mails as local activities (markers).
    scenario: 'local-steps-mid-wait',
    workflowId: journeyWorkflowId('inbound-nurture', contactId(303)),
    args: [
      {
        journeyId: 'inbound-nurture',
        version: 1,
        definition: await loadJourneyTemplate('inbound-nurture'),
        contactId: contactId(303),
        entryEvent: { eventId: '9201', type: 'form_submitted', properties: { form: 'guide' } },
      },
    ],
    activities: {
      recordJourneyVisit: async () => undefined,
      sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
    },
    outcome: 'running',
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await env.sleep('3 days');
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
    },
  }),
  scenario({
    workflowType: 'journeyWorkflow',
    scenario: 'abandoned-cart-completed',
    workflowId: journeyWorkflowId('abandoned-cart', contactId(302), 'c-302'),
    args: [
      {
        journeyId: 'abandoned-cart',
        version: 1,
        definition: await loadJourneyTemplate('abandoned-cart'),
        contactId: contactId(302),
        entryKey: 'c-302',
        entryEvent: { eventId: '9101', type: 'cart_updated', properties: { cart_id: 'c-302' } },
      },
    ],
    activities: {
      recordJourneyVisit: async () => undefined,
      sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
      issueCoupon: async () => ({ code: 'RL-REPLAY2345', expiresAt: '2026-12-01T00:00:00.000Z' }),
    },
    outcome: 'completed',
    // A cart change during the quiet hour restarts it; then the reminder, the coupon and the end.
    drive: async ({ handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await handle.signal(journeyEventSignal, { eventId: '9102', type: 'cart_updated', occurredAt: '2026-11-20T10:30:00.000Z', properties: { cart_id: 'c-302' } });
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
    },
  }),
  scenario({
    workflowType: 'journeyCohortWorkflow',
    // Three contacts entered together: welcomed in one batch, one told of an event and one paused
    // during the three quiet days, then the first guides and the second wait begun.
    scenario: 'nurture-mid-wait',
    workflowId: 'journey-cohort:inbound-nurture:v1:replay',
    args: [
      {
        journeyId: 'inbound-nurture',
        version: 1,
        definition: await loadJourneyTemplate('inbound-nurture'),
        members: [401, 402, 403].map((n) => ({ contactId: contactId(n), entryEvent: { eventId: `94${n}`, type: 'form_submitted', properties: { form: 'guide' } } })),
      },
    ],
    activities: {
      recordJourneyVisitBatch: async () => undefined,
      setJourneyStatus: async () => undefined,
      sendEmails: async (inputs) => inputs.map((input) => ({ status: 'sent' as const, emailId: emailIdFor(input.cause) })),
    },
    outcome: 'running',
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      const activitiesBefore = ((await handle.fetchHistory()).events ?? []).filter((event) => event.activityTaskCompletedEventAttributes).length;
      await handle.signal(journeyCohortMemberSignal, {
        memberId: journeyWorkflowId('inbound-nurture', contactId(401)),
        command: { kind: 'event', event: { eventId: '9501', type: 'page_viewed', occurredAt: '2026-11-20T10:30:00.000Z', properties: { path: '/pricing' } } },
      });
      await handle.signal(journeyCohortMemberSignal, { memberId: journeyWorkflowId('inbound-nurture', contactId(402)), command: { kind: 'pause' } });
      // The pause is written down (one activity); the event and the pause cost no timer.
      await eventsReached(handle, 'activityTaskCompletedEventAttributes', activitiesBefore + 1);
      await env.sleep('3 days');
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
    },
  }),
  scenario({
    workflowType: 'newsletterWorkflow',
    scenario: 'sent',
    workflowId: newsletterWorkflowId(NEWSLETTER(1)),
    args: [{ newsletterId: NEWSLETTER(1), startAt: null }],
    activities: {
      recordNewsletterProgress: async (input) => (input.status === 'completed' ? counts(250, 248, { 'no-email-address': 2 }) : counts(0, 0)),
      materialiseNewsletterPage: inOrder('materialiseNewsletterPage', [{ lastContactId: contactId(250), done: true, counts: counts(250, 0, { 'no-email-address': 2 }) }]),
      sendNewsletterPage: inOrder('sendNewsletterPage', [
        { lastContactId: contactId(200), exhausted: false, nextDueAt: null, counts: counts(250, 198, { 'no-email-address': 2 }) },
        { lastContactId: contactId(250), exhausted: true, nextDueAt: null, counts: counts(250, 248, { 'no-email-address': 2 }) },
      ]),
    },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'newsletterWorkflow',
    scenario: 'paused-and-resumed-between-time-zones',
    workflowId: newsletterWorkflowId(NEWSLETTER(2)),
    args: [{ newsletterId: NEWSLETTER(2), startAt: null }],
    activities: {
      recordNewsletterProgress: async (input) => (input.status === 'completed' ? counts(20, 20) : counts(20, 8)),
      materialiseNewsletterPage: inOrder('materialiseNewsletterPage', [{ lastContactId: contactId(20), done: true, counts: counts(20, 0) }]),
      sendNewsletterPage: (() => {
        let call = 0;
        return async (input) => {
          call += 1;
          return call === 1
            ? { lastContactId: contactId(8), exhausted: true, nextDueAt: laterZone(input), counts: counts(20, 8) }
            : { lastContactId: contactId(20), exhausted: true, nextDueAt: null, counts: counts(20, 20) };
        };
      })(),
    },
    outcome: 'completed',
    // The first time zone sent, the wait for the next begun: pause, then resume.
    drive: async ({ handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await handle.signal(pauseSignal);
      await eventsReached(handle, 'activityTaskCompletedEventAttributes', 4);
      await handle.signal(resumeSignal);
    },
  }),
  scenario({
    workflowType: 'newsletterWorkflow',
    scenario: 'cancelled-between-time-zones',
    workflowId: newsletterWorkflowId(NEWSLETTER(3)),
    args: [{ newsletterId: NEWSLETTER(3), startAt: null }],
    activities: {
      recordNewsletterProgress: async (input) => (input.status === 'cancelled' ? counts(20, 8, { cancelled: 12 }) : counts(20, 0)),
      materialiseNewsletterPage: inOrder('materialiseNewsletterPage', [{ lastContactId: contactId(20), done: true, counts: counts(20, 0) }]),
      sendNewsletterPage: async (input) => ({ lastContactId: contactId(8), exhausted: true, nextDueAt: laterZone(input), counts: counts(20, 8) }),
    },
    outcome: 'completed',
    drive: async ({ handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await handle.signal(cancelSignal);
    },
  }),
  scenario({
    workflowType: 'journeyWorkflow',
    scenario: 'every-node-paused-and-resumed',
    workflowId: journeyWorkflowId('replay-every-node', contactId(303)),
    args: [{ journeyId: 'replay-every-node', version: 1, definition: everyNodeJourney(), contactId: contactId(303), entryEvent: { eventId: '9201', type: 'signed_up', properties: {} } }],
    activities: {
      recordJourneyVisit: async () => undefined,
      setJourneyStatus: async () => undefined,
      sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
      loadContactFacts: async () => ({ traits: { plan: 'pro' }, eventsSeen: {} }),
      setContactStage: async () => ({ changed: true }),
      setContactTrait: async () => ({ outcome: 'applied' as const }),
      issueCoupon: async () => ({ code: 'RL-REPLAY6789', expiresAt: '2026-12-01T00:00:00.000Z' }),
      callWebhook: async () => ({ status: 204 }),
      requestHandoff: async () => undefined,
    },
    outcome: 'completed',
    // Paused during the delay (and past its end), resumed, then every other node type, and a click ends the wait.
    drive: async ({ env, handle }) => {
      await eventsReached(handle, 'timerStartedEventAttributes', 1);
      await handle.signal(pauseJourneySignal);
      await eventsReached(handle, 'activityTaskCompletedEventAttributes', 5);
      await env.sleep('2 hours');
      await eventsReached(handle, 'activityTaskCompletedEventAttributes', 6);
      await handle.signal(resumeJourneySignal);
      await eventsReached(handle, 'timerStartedEventAttributes', 2);
      await handle.signal(journeyEventSignal, { eventId: '9202', type: 'email_clicked', occurredAt: '2026-11-20T12:30:00.000Z', properties: {} });
    },
  }),
  scenario({
    workflowType: 'journeyWorkflow',
    scenario: 'coupon-from-campaign',
    workflowId: journeyWorkflowId('replay-campaign-coupon', contactId(304)),
    args: [{ journeyId: 'replay-campaign-coupon', version: 1, definition: campaignCouponJourney(), contactId: contactId(304), entryEvent: { eventId: '9301', type: 'signed_up', properties: {} } }],
    activities: {
      recordJourneyVisit: async () => undefined,
      sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
      // Fails the recording if the node's campaign does not reach the activity (the patched path).
      issueCoupon: async (input) => {
        if (input.campaign !== 'spring') throw ApplicationFailure.nonRetryable(`expected campaign spring, got ${String(input.campaign)}`);
        return { code: 'SPRING-REPLAY23', expiresAt: '2026-12-01T00:00:00.000Z' };
      },
    },
    outcome: 'completed',
  }),
  scenario({
    workflowType: 'journeyCohortSimulationWorkflow',
    scenario: 'nurture-cohort',
    workflowId: 'simulation-replay-inbound-nurture-cohort-0',
    args: [
      {
        definition: await loadJourneyTemplate('inbound-nurture'),
        options: { contacts: 40, days: 10, seed: 5, eventProbability: 0.5, entryWindowDays: 2 },
        startMs: Date.parse('2026-11-20T08:00:00.000Z'),
        stepMs: 3_600_000,
        first: 10,
        count: 20,
      },
    ],
    activities: {},
    outcome: 'completed',
  }),
];

/** One node of every type, for the replay of a run that was paused and resumed on its way through them. */
function everyNodeJourney() {
  const result = validateJourneyDefinition({
    schemaVersion: 1,
    id: 'replay-every-node',
    name: 'Every node type',
    entry: { kind: 'event', event: 'signed_up' },
    start: 'hello',
    nodes: {
      hello: { type: 'send_email', template: 'welcome', next: 'pause_here' },
      pause_here: { type: 'delay', wait: { kind: 'duration', duration: '1 hour' }, next: 'check' },
      check: { type: 'branch', conditions: [{ when: [{ kind: 'trait', trait: 'plan', op: 'eq', value: 'pro' }], next: 'split' }], default: 'split' },
      split: { type: 'random_split', branches: [{ weight: 1, next: 'stage' }, { weight: 1, next: 'stage' }] },
      stage: { type: 'set_stage', stage: 'mql', next: 'trait' },
      trait: { type: 'set_trait', trait: 'nurtured', value: true, next: 'coupon' },
      coupon: { type: 'issue_coupon', discount: { kind: 'percent', percent: 10 }, validityDays: 7, next: 'notify' },
      notify: { type: 'webhook', url: 'https://partner.example/hook', next: 'handoff' },
      handoff: { type: 'hand_off', reason: 'replay scenario', next: 'listen' },
      listen: { type: 'wait_for_event', event: 'email_clicked', timeout: '1 day', next: 'done', onTimeout: 'done' },
      done: { type: 'exit' },
    },
  });
  if (!result.ok) throw new Error(`replay-every-node: ${JSON.stringify(result.issues)}`);
  return result.definition;
}

/** An issue_coupon node drawing from a campaign: the path behind the `issue-coupon-from-campaign` patch. */
function campaignCouponJourney() {
  const result = validateJourneyDefinition({
    schemaVersion: 1,
    id: 'replay-campaign-coupon',
    name: 'Coupon from a campaign',
    entry: { kind: 'event', event: 'signed_up' },
    start: 'coupon',
    nodes: {
      coupon: { type: 'issue_coupon', campaign: 'spring', next: 'mail' },
      mail: { type: 'send_email', template: 'birthday-offer', next: 'done' },
      done: { type: 'exit' },
    },
  });
  if (!result.ok) throw new Error(`replay-campaign-coupon: ${JSON.stringify(result.issues)}`);
  return result.definition;
}

const HOUR_MS = 3_600_000;
const HANDOFF_ID = '5f0c2a9e-0000-4000-8000-000000000001';

/** The canned hand-off activities: routed to a rep, reminder after 2 h, deadline after 4 h. */
function handoffActivities(options: { crm: 'none' | 'dead-letter'; breach?: 'escalated' }): Partial<Activities> {
  return {
    openLeadHandoff: async () => ({ status: 'opened', handoffId: HANDOFF_ID }),
    assignLead: async (input) => ({
      owner: 'rep@seller.test',
      rule: { kind: 'territory', territoryId: 'paris', reason: 'territory paris (postcode prefix 75), round robin among reps with room' },
      rulesVersion: 1,
      reminderAt: new Date(Date.parse(input.at) + 2 * HOUR_MS).toISOString(),
      slaDueAt: new Date(Date.parse(input.at) + 4 * HOUR_MS).toISOString(),
      onBreach: 'escalate_to_manager',
      maxReassignments: 0,
      recycleCooldownDays: 1,
      crmWebhook: options.crm !== 'none',
      crmMaxAttempts: 1,
    }),
    summarizeLead: async () => undefined,
    sendEmail: async (input) => ({ status: 'sent', emailId: emailIdFor(input.cause) }),
    recordReminder: async () => ({ stillWaiting: true }),
    handleSlaBreach: async () => ({ kind: 'escalated', to: 'manager@seller.test' }),
    deliverToCrm: async () => {
      throw ApplicationFailure.nonRetryable('CRM answered 400', 'CrmDeliveryRefused');
    },
    deadLetterCrmDelivery: async () => undefined,
    recycleLead: async () => ({ recycled: true }),
  };
}

async function eventsReached(handle: WorkflowHandle, attributes: 'timerStartedEventAttributes' | 'activityTaskCompletedEventAttributes', count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.filter((event) => event[attributes]).length >= count) return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId}: ${count} × ${attributes} not reached in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function activitiesFor(s: Scenario): Activities {
  const unexpected = (name: string) => async () => {
    throw ApplicationFailure.nonRetryable(`${s.workflowType}-${s.scenario} did not plan a call to ${name}`);
  };
  return {
    sendEmail: unexpected('sendEmail'),
    sendEmails: unexpected('sendEmails'),
    rescorePage: unexpected('rescorePage'),
    reviewStages: unexpected('reviewStages'),
    enqueueScheduledEntries: unexpected('enqueueScheduledEntries'),
    openLeadHandoff: unexpected('openLeadHandoff'),
    assignLead: unexpected('assignLead'),
    summarizeLead: unexpected('summarizeLead'),
    recordReminder: unexpected('recordReminder'),
    handleSlaBreach: unexpected('handleSlaBreach'),
    recycleLead: unexpected('recycleLead'),
    deliverToCrm: unexpected('deliverToCrm'),
    deadLetterCrmDelivery: unexpected('deadLetterCrmDelivery'),
    recordJourneyVisit: unexpected('recordJourneyVisit'),
    recordJourneyVisitBatch: unexpected('recordJourneyVisitBatch'),
    leaveJourneyCohort: unexpected('leaveJourneyCohort'),
    setJourneyStatus: unexpected('setJourneyStatus'),
    loadContactFacts: unexpected('loadContactFacts'),
    setContactStage: unexpected('setContactStage'),
    setContactTrait: unexpected('setContactTrait'),
    issueCoupon: unexpected('issueCoupon'),
    requestHandoff: unexpected('requestHandoff'),
    callWebhook: unexpected('callWebhook'),
    materialiseNewsletterPage: unexpected('materialiseNewsletterPage'),
    sendNewsletterPage: unexpected('sendNewsletterPage'),
    recordNewsletterProgress: unexpected('recordNewsletterProgress'),
    ...s.activities,
  };
}

const SCENARIO_TIMEOUT_MS = 60_000;

async function record(env: TestWorkflowEnvironment, bundle: WorkflowBundle, s: Scenario): Promise<string> {
  const taskQueue = `record-${s.workflowType}-${s.scenario}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: activitiesFor(s) });
  const json = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(s.workflowType, { taskQueue, workflowId: s.workflowId, args: s.args });
    const run = async (): Promise<History> => {
      if (s.outcome === 'running') {
        await s.drive?.({ env, handle });
        return handle.fetchHistory();
      }
      // A finished scenario may still need signals on its way (a journey's events).
      await s.drive?.({ env, handle });
      const outcome = await handle.result().then(
        () => 'completed',
        () => 'failed',
      );
      if (outcome !== s.outcome) throw new Error(`${s.workflowType}-${s.scenario}: expected the execution to be ${s.outcome}, it ${outcome}`);
      return handle.fetchHistory();
    };
    // A workflow task that throws is retried forever rather than failing the execution: name it instead of hanging.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), SCENARIO_TIMEOUT_MS);
    });
    try {
      const history = await Promise.race([run(), timedOut]);
      if (history === 'timed out') {
        const events = (await handle.fetchHistory()).events ?? [];
        const failure = events.findLast((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message;
        throw new Error(`${s.workflowType}-${s.scenario}: no outcome within ${SCENARIO_TIMEOUT_MS / 1000} s${failure ? `; workflow task failed: ${failure}` : ''}`);
      }
      return historyToJSON(history);
    } finally {
      clearTimeout(timer);
      // Nothing of the recording may outlive it, least of all a journey that never ends by itself.
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('history recorded');
    }
  });
  return `${json}\n`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function main(argv: string[]): Promise<void> {
  const force = argv.includes('--force');
  const log = (line: string) => process.stderr.write(`replay:record: ${line}\n`);

  // A workflow the worker serves but no scenario records would never be checked on replay.
  const served = Object.keys(await import('../workflows/index.js'));
  const uncovered = served.filter((type) => !SCENARIOS.some((s) => s.workflowType === type));
  if (uncovered.length > 0) throw new Error(`no scenario records ${uncovered.join(', ')}: add one to SCENARIOS in scripts/record-histories.ts`);

  const pending: Scenario[] = [];
  for (const s of SCENARIOS) {
    if (!force && (await exists(path.join(HISTORIES_DIR, historyFileName(s))))) log(`kept ${historyFileName(s)}`);
    else pending.push(s);
  }
  if (pending.length === 0) {
    log('every scenario has its history (--force rewrites them)');
    return;
  }

  // Two scenarios fail on purpose: their activity and workflow failure warnings are expected noise.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  const testServerPath = await ensureTemporalTestServer({ projectRoot: PROJECT_ROOT, log });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath } } }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  try {
    await mkdir(HISTORIES_DIR, { recursive: true });
    for (const s of pending) {
      const file = path.join(HISTORIES_DIR, historyFileName(s));
      await writeFile(file, await record(env, bundle, s));
      log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
    }
  } finally {
    await env.teardown();
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`replay:record: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
