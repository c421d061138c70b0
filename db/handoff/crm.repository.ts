import type { Db } from '../connection.js';
import { findHandoff } from './sales-actions.repository.js';

// CRM deliveries

export async function claimCrmDelivery(db: Db, handoffId: string, url: string) {
  await db.insertInto('crm_deliveries').values({ handoff_id: handoffId, url }).onConflict((oc) => oc.column('handoff_id').doNothing()).execute();
  return db
    .updateTable('crm_deliveries')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: new Date() }))
    .where('handoff_id', '=', handoffId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function recordCrmAttempt(db: Db, deliveryId: string, result: { delivered: boolean; statusCode: number | null; error: string | null }): Promise<void> {
  await db
    .updateTable('crm_deliveries')
    .set(result.delivered ? { status: 'delivered', delivered_at: new Date(), last_status_code: result.statusCode, last_error: null } : { last_status_code: result.statusCode, last_error: result.error })
    .where('id', '=', deliveryId)
    .where('status', '!=', 'delivered')
    .execute();
}

export async function markCrmDeadLetter(db: Db, handoffId: string, error: string): Promise<void> {
  await db
    .updateTable('crm_deliveries')
    .set((eb) => ({ status: 'dead_letter', last_error: eb.fn.coalesce('last_error', eb.val(error)) }))
    .where('handoff_id', '=', handoffId)
    .where('status', '=', 'pending')
    .execute();
}

export async function crmPayload(db: Db, handoffId: string) {
  const handoff = await findHandoff(db, handoffId);
  if (handoff === undefined) return undefined;
  const { deliveries: _deliveries, actions: _actions, workflowId: _w, runId: _r, ...rest } = handoff;
  return rest;
}
