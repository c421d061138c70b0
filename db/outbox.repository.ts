import { sql, type Transaction } from 'kysely';
import type { Db } from './connection.js';
import type { Database } from './database.js';

/** What the API hands to Temporal. Kinds are persisted: never rename one. */
export type OrchestrationIntent =
  /** `eventId`: the sign-up that asked for it (absent from intents written before it was recorded). */
  | { kind: 'welcome'; contactId: string; eventId?: number }
  | { kind: 'stage_changed'; contactId: string; from: string; to: string; transitionId: number }
  /** A journey asks for a rep: `source` names the journey run and node. */
  | { kind: 'handoff_requested'; contactId: string; reason: string; source: string }
  /** Double opt-in: send the confirmation e-mail of a pending subscription; `requestedAt` (ISO) tells two requests apart. */
  | { kind: 'subscription_confirmation'; contactId: string; topic: string; requestedAt: string }
  // An event some active journey listens for (entry, wait, goal or exit): ids only, the router reads the rest.
  | { kind: 'journey_event'; eventId: number; contactId: string };

export async function enqueueIntents(trx: Transaction<Database>, intents: readonly OrchestrationIntent[]): Promise<number[]> {
  if (intents.length === 0) return [];
  const rows = await trx
    .insertInto('orchestration_outbox')
    .values(intents.map((intent) => ({ kind: intent.kind, payload: JSON.stringify(intent) })))
    .returning('id')
    .execute();
  return rows.map((row) => Number(row.id));
}

/**
 * Claims pending intents (all, or the given ids) for one dispatcher: SKIP LOCKED lets several API
 * processes sweep the same outbox without handing anything to Temporal twice at once.
 */
export async function dispatchPending(
  db: Db,
  dispatch: (intent: OrchestrationIntent) => Promise<void>,
  options: { ids?: readonly number[]; limit?: number; concurrency?: number } = {},
): Promise<{ dispatched: number; failed: number }> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('orchestration_outbox')
      .select(['id', 'payload'])
      .where('dispatched_at', 'is', null)
      .orderBy('id')
      .limit(options.limit ?? 200)
      .forUpdate()
      .skipLocked();
    if (options.ids !== undefined) {
      if (options.ids.length === 0) return { dispatched: 0, failed: 0 };
      query = query.where('id', 'in', options.ids);
    }
    const rows = await query.execute();
    let dispatched = 0;
    let failed = 0;
    // One lane per contact: a contact's intents keep their order (an entry before the order that ends
    // it), while different contacts go to Temporal side by side — a batch of sign-ups is not serial.
    const lanes = new Map<string, typeof rows>();
    for (const row of rows) {
      const key = (row.payload as { contactId?: string }).contactId ?? `row:${row.id}`;
      lanes.set(key, [...(lanes.get(key) ?? []), row]);
    }
    const queue = [...lanes.values()];
    const runLane = async (): Promise<void> => {
      for (let lane = queue.shift(); lane !== undefined; lane = queue.shift()) {
        for (const row of lane) {
          try {
            await dispatch(row.payload as OrchestrationIntent);
            await trx.updateTable('orchestration_outbox').set({ dispatched_at: new Date(), last_error: null }).where('id', '=', row.id).execute();
            dispatched += 1;
          } catch (error) {
            await trx
              .updateTable('orchestration_outbox')
              .set({ attempts: sql`attempts + 1`, last_error: error instanceof Error ? error.message : String(error) })
              .where('id', '=', row.id)
              .execute();
            failed += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, runLane));
    return { dispatched, failed };
  });
}
