import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { Liquid } from 'liquidjs';
import type { Db } from '../db/connection.js';
import { recordStageChanges } from '../db/contact-scoring.js';
import { findContact } from '../db/contact.repository.js';
import { issueCoupon as insertCoupon } from '../db/coupon.repository.js';
import { ENDED, leaveCohort, recordJourneyVisits as insertVisits, setJourneyRunStatus, type JourneyVisitRecord } from '../db/journey-run.repository.js';
import { journeyExits } from '../telemetry/metrics.js';
import type { JourneyRunStatusColumn } from '../db/journey.types.js';
import { enqueueIntents } from '../db/outbox.repository.js';
import type { ContactFacts, FactsRequest } from '../domain/journeys/evaluate.js';
import { LifecycleStage, stageOrVisitor } from '../domain/scoring/lifecycle.js';
import { traitValues } from '../domain/traits.js';
import { applyTraitChanges } from '../db/contact.queries.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import type { JourneyVisitOutcome, JourneyWorkflowInput } from '../workflows/journey.contract.js';
import type { journeyWorkflow } from '../workflows/journey.workflow.js';
import { issueCampaignCode } from './coupons.js';
import { signedWebhookHeaders } from './webhook-signature.js';

export interface JourneyDependencies {
  db: Db;
  /** The scoring model a `set_trait` re-scores fit with. */
  models: ScoringModelStore;
  /** Signs webhook calls (HMAC-SHA256); a webhook node fails without retrying when none is configured. */
  webhookSecret?: string | undefined;
}

export interface RecordJourneyVisitInput {
  workflowId: string;
  runId: string;
  journeyId: string;
  version: number;
  contactId: string;
  entryKey?: string;
  nodeId: string;
  visit: number;
  outcome: JourneyVisitOutcome;
  at: string;
  status: JourneyRunStatusColumn;
  startedAt: string;
}

export interface JourneyCause {
  /** `<workflowId>/<nodeId>/<visit>`-style: the same cause acts once. */
  cause: string;
  contactId: string;
  journeyId: string;
  nodeId: string;
}

export interface IssueCouponInput extends JourneyCause {
  /** The campaign the node names: its terms and codes. Without one, the node's own terms below. */
  campaign?: string;
  discount?: { kind: 'percent'; percent: number } | { kind: 'amount'; amount: number; currency: string } | undefined;
  validityDays?: number | undefined;
  category?: string;
  /** The workflow's clock: validity counts from journey time. */
  at: string;
}

export interface CallWebhookInput extends JourneyCause {
  url: string;
  body: Record<string, unknown>;
  /** Liquid variables for string values of `body` (coupon, event properties). */
  data: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

async function canonicalContact(db: Db, contactId: string) {
  const contact = await findContact(db, contactId);
  if (contact === undefined) throw ApplicationFailure.nonRetryable(`contact ${contactId} does not exist`, 'ContactNotFound');
  return contact;
}

/** Renders every string of a JSON value through Liquid; numbers, booleans and structure stay as they are. */
async function renderJson(liquid: Liquid, value: unknown, data: Record<string, unknown>): Promise<unknown> {
  if (typeof value === 'string') return value.includes('{') ? liquid.parseAndRender(value, data) : value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => renderJson(liquid, item, data)));
  if (value !== null && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([key, item]) => [key, await renderJson(liquid, item, data)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export function createJourneyActivities(deps: JourneyDependencies) {
  const liquid = new Liquid({ cache: true });

  const visitRecord = (input: RecordJourneyVisitInput): JourneyVisitRecord => ({
    ...input,
    entryKey: input.entryKey ?? null,
    at: new Date(input.at),
    startedAt: new Date(input.startedAt),
  });

  async function recordJourneyVisit(input: RecordJourneyVisitInput): Promise<void> {
    await insertVisits(deps.db, [visitRecord(input)], null);
    if (ENDED.has(input.status)) journeyExits.inc({ outcome: input.status });
  }

  /** The visits a cohort's members made at one moment, in one transaction. */
  async function recordJourneyVisitBatch(input: { cohortId: string; visits: RecordJourneyVisitInput[] }): Promise<void> {
    await insertVisits(deps.db, input.visits.map(visitRecord), input.cohortId);
    for (const visit of input.visits) if (ENDED.has(visit.status)) journeyExits.inc({ outcome: visit.status });
  }

  /**
   * Starts the workflow of its own a cohort's member goes on in, then points its row there: it is
   * signalled there from now on. Started with the worker's client rather than as a child workflow: the
   * run outlives its cohort, and nothing of the cohort waits for it.
   */
  async function leaveJourneyCohort(input: { workflowId: string; runId: string; next: JourneyWorkflowInput }): Promise<void> {
    const { client, info } = Context.current();
    try {
      await client.workflow.start<typeof journeyWorkflow>('journeyWorkflow', { taskQueue: info.taskQueue, workflowId: input.workflowId, args: [input.next] });
    } catch (error) {
      // This activity's earlier attempt started it.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await leaveCohort(deps.db, input.workflowId, input.runId);
  }

  async function setJourneyStatus(input: { workflowId: string; runId: string; status: JourneyRunStatusColumn; at: string }): Promise<void> {
    await setJourneyRunStatus(deps.db, input.workflowId, input.runId, input.status, new Date(input.at));
    if (ENDED.has(input.status)) journeyExits.inc({ outcome: input.status });
  }

  /** Only the facts a branch (or a local-time delay) asks for: no whole profile in the history. */
  async function loadContactFacts(input: { contactId: string; request: FactsRequest; since: string }): Promise<ContactFacts> {
    const contact = await canonicalContact(deps.db, input.contactId);
    const values = traitValues(contact.traits);
    const traits: Record<string, unknown> = {};
    for (const name of input.request.traits) if (values[name] !== undefined) traits[name] = values[name];
    const facts: ContactFacts = { traits, eventsSeen: {} };
    if (input.request.stage) facts.stage = contact.stage;
    if (input.request.score) {
      facts.engagement = contact.engagement_score;
      facts.fitPoints = contact.fit_points;
      facts.fitGrade = contact.fit_grade;
    }
    if (input.request.eventTypes.length > 0) {
      const seen = await deps.db
        .selectFrom('events')
        .select('type')
        .distinct()
        .where('contact_id', '=', contact.id)
        .where('type', 'in', input.request.eventTypes)
        .where('occurred_at', '>=', new Date(input.since))
        .execute();
      const types = new Set(seen.map((row) => row.type));
      for (const type of input.request.eventTypes) facts.eventsSeen[type] = types.has(type);
    }
    return facts;
  }

  /** Moves the contact's lifecycle stage, recorded like any other transition (reason, event, outbox intent). */
  async function setContactStage(input: { contactId: string; stage: string; journeyId: string; nodeId: string; at: string }): Promise<{ changed: boolean }> {
    const stage = LifecycleStage.safeParse(input.stage);
    if (!stage.success) throw ApplicationFailure.nonRetryable(`unknown stage "${input.stage}"`, 'UnknownStage');
    const contact = await canonicalContact(deps.db, input.contactId);
    const at = new Date(input.at);
    return deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('contacts').select('stage').where('id', '=', contact.id).forUpdate().executeTakeFirstOrThrow();
      // A retry after the commit finds the stage already set and writes nothing twice.
      if (row.stage === stage.data) return { changed: false };
      const from = stageOrVisitor(row.stage);
      const reason = `journey ${input.journeyId} node ${input.nodeId}`;
      const transition = await trx
        .insertInto('stage_transitions')
        .values({ contact_id: contact.id, from_stage: from, to_stage: stage.data, reason, actor: 'journey', occurred_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('contacts').set({ stage: stage.data, updated_at: at }).where('id', '=', contact.id).execute();
      const intents = await recordStageChanges(trx, [{ contactId: contact.id, from, to: stage.data, reason, transitionId: Number(transition.id) }], at);
      await enqueueIntents(trx, intents);
      return { changed: true };
    });
  }

  /**
   * Sets a trait with source `journey`. A value a sales rep entered is never overwritten: the refusal
   * is audited and the journey carries on.
   */
  async function setContactTrait(input: { contactId: string; trait: string; value: unknown; journeyId: string; nodeId: string; at: string }): Promise<{ outcome: 'applied' | 'unchanged' | 'refused' }> {
    // The same write as any declared trait: audited, the e-mail column and fit kept in step, stage moves recorded.
    // Their intents wait in the outbox: the worker has no dispatcher, the API's sweep hands them to Temporal (as for set_stage).
    const at = new Date(input.at);
    const result = await applyTraitChanges(deps.db, input.contactId, { [input.trait]: input.value }, { source: 'journey', actor: `journey ${input.journeyId} node ${input.nodeId}`, at, model: await deps.models.active(at.getTime()) });
    if (result === undefined) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} does not exist`, 'ContactNotFound');
    return { outcome: result.refused.length > 0 ? 'refused' : result.changed.length > 0 ? 'applied' : 'unchanged' };
  }

  async function issueCoupon(input: IssueCouponInput): Promise<{ code: string; expiresAt: string }> {
    const contact = await canonicalContact(deps.db, input.contactId);
    if (input.campaign !== undefined) return issueCampaignCode(deps.db, { campaignId: input.campaign, contactId: contact.id, cause: input.cause, journeyId: input.journeyId, issuedAt: new Date(input.at) });
    if (input.discount === undefined || input.validityDays === undefined) {
      throw ApplicationFailure.nonRetryable(`issue_coupon node ${input.nodeId} names neither a campaign nor a discount and validity`, 'InvalidCouponNode');
    }
    const coupon = await insertCoupon(deps.db, {
      cause: input.cause,
      contactId: contact.id,
      journeyId: input.journeyId,
      discount: input.discount,
      category: input.category ?? null,
      issuedAt: new Date(input.at),
      expiresAt: new Date(new Date(input.at).getTime() + input.validityDays * DAY_MS),
    });
    return { code: coupon.code, expiresAt: coupon.expiresAt.toISOString() };
  }

  /** Writes the hand-off intent; the orchestrator starts the sales hand-off from it. Idempotent per cause. */
  async function requestHandoff(input: JourneyCause & { reason: string }): Promise<void> {
    const contact = await canonicalContact(deps.db, input.contactId);
    await deps.db.transaction().execute(async (trx) => {
      // The cause is the intent's source: a retry after the commit finds it and writes nothing.
      const existing = await trx
        .selectFrom('orchestration_outbox')
        .select('id')
        .where('kind', '=', 'handoff_requested')
        .where(sql<string>`payload->>'source'`, '=', input.cause)
        .executeTakeFirst();
      if (existing !== undefined) return;
      await enqueueIntents(trx, [{ kind: 'handoff_requested', contactId: contact.id, reason: input.reason, source: input.cause }]);
    });
  }

  /**
   * POSTs JSON, signed (`X-Relance-Signature`) and keyed (`Idempotency-Key` = cause) so the receiver
   * can drop the duplicates Temporal's retries may cause. Any non-2xx answer is retried (the
   * workflow bounds the attempts).
   */
  async function callWebhook(input: CallWebhookInput): Promise<{ status: number }> {
    if (deps.webhookSecret === undefined || deps.webhookSecret === '') {
      throw ApplicationFailure.nonRetryable('WEBHOOK_SECRET is not set: webhook calls cannot be signed', 'WebhookNotConfigured');
    }
    const rendered = await renderJson(liquid, input.body, {
      ...input.data,
      contact: { id: input.contactId },
      journey: { id: input.journeyId, node: input.nodeId, cause: input.cause },
    });
    const body = JSON.stringify(rendered);
    const response = await fetch(input.url, {
      method: 'POST',
      headers: signedWebhookHeaders(deps.webhookSecret, body, input.cause, new Date()),
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await response.body?.cancel();
    if (response.ok) return { status: response.status };
    throw ApplicationFailure.retryable(`webhook ${new URL(input.url).host} answered ${response.status}`, 'WebhookFailed');
  }

  return { recordJourneyVisit, recordJourneyVisitBatch, leaveJourneyCohort, setJourneyStatus, loadContactFacts, setContactStage, setContactTrait, issueCoupon, requestHandoff, callWebhook };
}
