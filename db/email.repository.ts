import type { Db } from './connection.js';
import type { EmailMessage } from './database.js';

/** Claims the outbox row of an e-mail, creating it on the first attempt; later attempts get the same row. */
export async function claimEmail(
  db: Db,
  email: { id: string; contactId: string; template: string; to: string },
): Promise<EmailMessage> {
  await db
    .insertInto('email_messages')
    .values({ id: email.id, contact_id: email.contactId, template: email.template, to_address: email.to, subject: null, smtp_response: null, last_error: null, sent_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db
    .updateTable('email_messages')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', email.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markEmailSent(db: Db, id: string, subject: string, smtpResponse: string): Promise<void> {
  await db
    .updateTable('email_messages')
    .set({ status: 'sent', subject, smtp_response: smtpResponse, sent_at: new Date(), last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markEmailFailed(db: Db, id: string, error: string, permanent: boolean): Promise<void> {
  await db
    .updateTable('email_messages')
    .set(permanent ? { status: 'failed', last_error: error } : { last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function listEmailsForContact(db: Db, contactId: string): Promise<EmailMessage[]> {
  return db.selectFrom('email_messages').selectAll().where('contact_id', '=', contactId).orderBy('created_at').execute();
}
