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
  | { kind: 'journey_event'; eventId: number; contactId: string }
  /** A calendar tick of a scheduled journey enters this contact; `tick` (the tick workflow's id) is the cause, once per contact. */
  | { kind: 'scheduled_entry'; journeyId: string; contactId: string; tick: string };

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
 * Contacts handed over side by side. A lane holds no database connection, only Temporal calls, whose
 * latency bounds it: journey starts from events (bench/journey-routing) ran 0.9–1.05× plain starts
 * with 8 lanes, 1.2–1.65× with 16, 1.8–2× with 32 in the same runs.
 */
const LANES_IN_FLIGHT = 32;

/**
 * One claim of intents being handed over. `laneOf` names whom an intent is about: intents of one lane
 * are dispatched one after the other in outbox order (an entry before the order that ends it), lanes
 * side by side. `finish` writes what the dispatches decided, in the claiming transaction.
 */
export interface IntentSweep {
  laneOf(intent: OrchestrationIntent): string;
  dispatch(intent: OrchestrationIntent): Promise<void>;
  finish(): Promise<void>;
}

/** Prepares the hand-over of claimed intents: reads and locks what they need, in the claiming transaction. */
export type BeginSweep = (trx: Transaction<Database>, intents: readonly OrchestrationIntent[]) => Promise<IntentSweep>;

/**
 * Claims pending intents (all, or the given ids) for one dispatcher: SKIP LOCKED lets several API
 * processes sweep the same outbox without handing anything to Temporal twice at once. Dispatched
 * intents are marked in one statement; a failed one stays pending with its attempts and last error.
 */
export async function dispatchPending(
  db: Db,
  begin: BeginSweep,
  options: { ids?: readonly number[]; limit?: number; concurrency?: number } = {},
): Promise<{ dispatched: number; failed: number }> {
  if (options.ids !== undefined && options.ids.length === 0) return { dispatched: 0, failed: 0 };
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('orchestration_outbox')
      .select(['id', 'payload'])
      .where('dispatched_at', 'is', null)
      .orderBy('id')
      .limit(options.limit ?? 200)
      .forUpdate()
      .skipLocked();
    if (options.ids !== undefined) query = query.where('id', 'in', options.ids);
    const claimed = (await query.execute()).map((row) => ({ id: row.id, intent: row.payload as OrchestrationIntent }));
    // A contact's earlier intent that another dispatcher holds (or that `ids` left out) goes first: this
    // claim leaves that contact's intents pending, untouched, for a later sweep to take in order.
    const waiting = await contactsWithEarlierIntents(trx, claimed);
    const rows = claimed.filter((row) => !waiting.has(row.intent.contactId));
    if (rows.length === 0) return { dispatched: 0, failed: 0 };
    const sweep = await begin(trx, rows.map((row) => row.intent));
    const lanes = new Map<string, typeof rows>();
    for (const row of rows) {
      const lane = sweep.laneOf(row.intent);
      lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
    }
    const queue = [...lanes.values()];
    const dispatched: number[] = [];
    const failed: { id: number; error: string }[] = [];
    const runLane = async (): Promise<void> => {
      for (let lane = queue.shift(); lane !== undefined; lane = queue.shift()) {
        for (const row of lane) {
          try {
            await sweep.dispatch(row.intent);
            dispatched.push(row.id);
          } catch (error) {
            failed.push({ id: row.id, error: error instanceof Error ? error.message : String(error) });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? LANES_IN_FLIGHT, queue.length) }, runLane));
    await sweep.finish();
    if (dispatched.length > 0) {
      await trx.updateTable('orchestration_outbox').set({ dispatched_at: new Date(), last_error: null }).where('id', 'in', dispatched).execute();
    }
    for (const { id, error } of failed) {
      await trx.updateTable('orchestration_outbox').set({ attempts: sql`attempts + 1`, last_error: error }).where('id', '=', id).execute();
    }
    return { dispatched: dispatched.length, failed: failed.length };
  });
}

async function contactsWithEarlierIntents(trx: Transaction<Database>, claimed: readonly { id: number; intent: OrchestrationIntent }[]): Promise<Set<string>> {
  if (claimed.length === 0) return new Set();
  const ids = claimed.map((row) => row.id);
  const rows = await trx
    .selectFrom('orchestration_outbox')
    .select(sql<string>`payload->>'contactId'`.as('contact_id'))
    .distinct()
    .where('dispatched_at', 'is', null)
    .where('id', '<', Math.max(...ids))
    .where('id', 'not in', ids)
    .where(sql<string>`payload->>'contactId'`, 'in', [...new Set(claimed.map((row) => row.intent.contactId))])
    .execute();
  return new Set(rows.map((row) => row.contact_id));
}
