import type { Transaction } from 'kysely';
import { LifecycleStage, stageOrVisitor } from '../../domain/scoring/index.js';
import type { Db } from '../connection.js';
import { recordStageChanges } from '../contact-scoring.js';
import type { Database } from '../database.js';
import { enqueueIntents } from '../outbox.repository.js';

type Trx = Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// Stage moves caused by sales

const FUNNEL = LifecycleStage.options;

/**
 * Moves a contact to `to` with its reason, through the one path every stage change takes (stored
 * transition, `stage_changed` event, outbox intent). Returns the outbox ids to dispatch.
 * `onlyFrom` guards against moving a contact that has gone elsewhere meanwhile.
 */
export async function moveStage(
  trx: Trx,
  input: { contactId: string; to: LifecycleStage; reason: string; actor: string; at: Date; onlyFrom: readonly LifecycleStage[] },
): Promise<number[]> {
  const contact = await trx.selectFrom('contacts').select('stage').where('id', '=', input.contactId).forUpdate().executeTakeFirst();
  if (contact === undefined) return [];
  const from = stageOrVisitor(contact.stage);
  if (from === input.to || !input.onlyFrom.includes(from)) return [];
  const transition = await trx
    .insertInto('stage_transitions')
    .values({ contact_id: input.contactId, from_stage: from, to_stage: input.to, reason: input.reason, actor: input.actor, occurred_at: input.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('contacts').set({ stage: input.to, updated_at: input.at }).where('id', '=', input.contactId).execute();
  const intents = await recordStageChanges(trx, [{ contactId: input.contactId, from, to: input.to, reason: input.reason, transitionId: Number(transition.id) }], input.at);
  return enqueueIntents(trx, intents);
}

export async function findStageTransition(db: Db, id: number) {
  return db.selectFrom('stage_transitions').select(['reason', 'to_stage']).where('id', '=', id).executeTakeFirst();
}

export const before = (stage: LifecycleStage) => FUNNEL.slice(0, FUNNEL.indexOf(stage));
