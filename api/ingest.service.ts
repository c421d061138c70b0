import type { Db } from '../db/connection.js';
import { redeemCouponsFromEvents } from '../db/coupon.repository.js';
import { storeEvents, type StoredOutcome } from '../db/ingestion/index.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import type { JourneyStore } from '../db/journey.repository.js';
import { normalizeEvent, type InboundEvent, type NormalizedEvent } from '../domain/events.js';
import { eventsIngested } from '../telemetry/metrics.js';
import { createCoalescer } from '../db/coalesce.js';
import type { OutboxDispatcher } from '../orchestration/orchestrator.js';

export type IngestResult = StoredOutcome;

export function createIngestService(db: Db, models: ScoringModelStore, dispatcher: OutboxDispatcher, options: { journeys?: JourneyStore | undefined; doubleOptIn: boolean }) {
  const { journeys, doubleOptIn } = options;
  /**
   * Stores normalised events durably (one transaction), then hands the orchestration they cause to
   * Temporal. The caller acknowledges once this resolves: the commit is the promise; dispatch
   * failures are retried from the outbox.
   */
  async function write(normalized: NormalizedEvent[]): Promise<IngestResult[]> {
    const now = new Date();
    const model = await models.active(now.getTime());
    // Cached: when no active journey listens for anything, ingestion writes no journey intents at all.
    const journeyEventTypes = journeys === undefined ? undefined : (await journeys.routing(now.getTime())).eventTypes;
    const { outcomes, outboxIds } = await storeEvents(db, normalized, model, now, { ...(journeyEventTypes === undefined ? {} : { journeyEventTypes }), doubleOptIn });
    await redeemCouponsFromEvents(db, normalized);
    await dispatcher.dispatchNow(outboxIds);
    const stored = outcomes.filter((outcome) => outcome.stored).length;
    eventsIngested.inc({ outcome: 'stored' }, stored);
    eventsIngested.inc({ outcome: 'duplicate' }, outcomes.length - stored);
    return outcomes;
  }

  /** A batch: its events go in together, in one transaction. */
  async function ingest(events: readonly InboundEvent[], receivedAt: Date): Promise<IngestResult[]> {
    if (events.length === 0) return [];
    const receivedIso = receivedAt.toISOString();
    return write(events.map((event) => normalizeEvent(event, receivedAt, receivedIso)));
  }

  // One-event requests (/v1/track, /v1/page, /v1/identify) share transactions under load; a few
  // groups in flight keep both PostgreSQL and this process busy without queueing on the pool.
  const writeOne = createCoalescer(write, { maxInFlight: 2, maxItems: 500 });

  /** One event: stored alone when the API is quiet, with the other requests of the moment when busy. */
  function ingestOne(event: InboundEvent, receivedAt: Date): Promise<IngestResult> {
    return writeOne(normalizeEvent(event, receivedAt));
  }

  /**
   * Events Relance produces itself from a contact's actions on its own pages (a click, an open, an
   * unsubscribe through a signed link): already normalised, through the same write as API events,
   * so scoring, consent and journeys hear them alike.
   */
  function record(events: readonly NormalizedEvent[]): Promise<IngestResult[]> {
    return events.length === 0 ? Promise.resolve([]) : write([...events]);
  }

  return { ingest, ingestOne, record };
}

export type IngestService = ReturnType<typeof createIngestService>;
