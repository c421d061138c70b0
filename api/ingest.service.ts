import type { Db } from '../db/connection.js';
import { redeemCouponsFromEvents } from '../db/coupon.repository.js';
import { storeEvents, type StoredOutcome } from '../db/ingestion.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import type { JourneyStore } from '../db/journey.repository.js';
import { normalizeEvent, type InboundEvent } from '../domain/events.js';
import type { OutboxDispatcher } from './orchestrator.js';

export type IngestResult = StoredOutcome;

export function createIngestService(db: Db, models: ScoringModelStore, dispatcher: OutboxDispatcher, options: { journeys?: JourneyStore | undefined; doubleOptIn: boolean }) {
  const { journeys, doubleOptIn } = options;
  /**
   * Stores valid events durably (one transaction per call), then hands the orchestration they cause
   * to Temporal. The caller acknowledges once this resolves: the commit is the promise; dispatch
   * failures are retried from the outbox.
   */
  async function ingest(events: readonly InboundEvent[], receivedAt: Date): Promise<IngestResult[]> {
    if (events.length === 0) return [];
    const model = await models.active(receivedAt.getTime());
    const receivedIso = receivedAt.toISOString();
    const normalized = events.map((event) => normalizeEvent(event, receivedAt, receivedIso));
    // Cached: when no active journey listens for anything, ingestion writes no journey intents at all.
    const journeyEventTypes = journeys === undefined ? undefined : (await journeys.routing(receivedAt.getTime())).eventTypes;
    const { outcomes, outboxIds } = await storeEvents(db, normalized, model, receivedAt, { ...(journeyEventTypes === undefined ? {} : { journeyEventTypes }), doubleOptIn });
    await redeemCouponsFromEvents(db, normalized);
    await dispatcher.dispatchNow(outboxIds);
    return outcomes;
  }
  return { ingest };
}

export type IngestService = ReturnType<typeof createIngestService>;
