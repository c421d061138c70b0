import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { EmailMessage } from './database.js';

/** What the SMTP server answered for an e-mail it accepted. */
export interface SentAnswer {
  id: string;
  subject: string;
  smtpResponse: string;
}

/** Records the servers' answers of several e-mails in one statement. */
export async function markEmailsSent(db: Db, answers: readonly SentAnswer[]): Promise<void> {
  if (answers.length === 0) return;
  const rows = sql.join(answers.map((answer) => sql`(${answer.id}, ${answer.subject}, ${answer.smtpResponse})`));
  await sql`
    update email_messages as m
    set status = 'sent', subject = v.subject, smtp_response = v.smtp_response, sent_at = coalesce(m.sent_at, now()), last_error = null
    from (values ${rows}) as v (id, subject, smtp_response)
    where m.id = v.id`.execute(db);
}

export interface OutboxEmail {
  id: string;
  contactId: string;
  template: string;
  /** The version of the template this attempt renders (built-in files are version 1). */
  templateVersion: number;
  to: string;
  category: 'marketing' | 'transactional';
  topic: string | null;
}

const OPEN_STATUSES = ['pending', 'deferred'] as const;

function rowOf(email: OutboxEmail) {
  return { id: email.id, contact_id: email.contactId, template: email.template, template_version: email.templateVersion, to_address: email.to, category: email.category, topic: email.topic, subject: null, smtp_response: null, last_error: null, sent_at: null };
}

/**
 * Takes each e-mail for sending: creates its row as `sending`, or moves an open one (pending,
 * deferred) to `sending`. False for one another attempt already holds or that reached a final state:
 * only one attempt ever hands a given e-mail to SMTP. Several e-mails at their commit points at once
 * are claimed in one statement, each on its own row; the same e-mail twice in one call is an error
 * (a row can be claimed once per statement), which the caller's coalescer answers by claiming each alone.
 */
export async function claimEmailsForSending(db: Db, claims: readonly { email: OutboxEmail; now: Date }[]): Promise<boolean[]> {
  if (claims.length === 0) return [];
  const claimed = await db
    .insertInto('email_messages')
    .values(claims.map(({ email, now }) => ({ ...rowOf(email), status: 'sending' as const, attempts: 1, sent_at: now })))
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({ status: 'sending', sent_at: eb.ref('excluded.sent_at'), to_address: eb.ref('excluded.to_address'), template_version: eb.ref('excluded.template_version'), deferred_until: null, attempts: eb('email_messages.attempts', '+', 1) }))
        .where('email_messages.status', 'in', OPEN_STATUSES),
    )
    .returning('id')
    .execute();
  const ids = new Set(claimed.map((row) => row.id));
  return claims.map(({ email }) => ids.has(email.id));
}

/** Records why an e-mail did not leave: skipped for good, or deferred until a time. */
export async function recordEmailHeld(
  db: Db,
  email: OutboxEmail,
  outcome: { status: 'skipped'; reason: string } | { status: 'deferred'; reason: string; until: Date },
): Promise<void> {
  const values = { status: outcome.status, skip_reason: outcome.reason, deferred_until: outcome.status === 'deferred' ? outcome.until : null };
  await db
    .insertInto('email_messages')
    .values({ ...rowOf(email), ...values, attempts: 1 })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({ ...values, attempts: eb('email_messages.attempts', '+', 1) }))
        .where('email_messages.status', 'in', OPEN_STATUSES),
    )
    .execute();
}

/** A transient SMTP failure: nothing was accepted, so the next attempt may send it again. */
export async function releaseEmail(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('email_messages').set({ status: 'pending', sent_at: null, last_error: error }).where('id', '=', id).where('status', '=', 'sending').execute();
}

/**
 * An earlier attempt handed the e-mail to SMTP and stopped before recording the answer (a crash, a
 * database error). Whether the server accepted it is unknown; it is counted as sent rather than risk
 * a second copy.
 */
export async function markEmailSentUnconfirmed(db: Db, id: string): Promise<void> {
  await db
    .updateTable('email_messages')
    .set({ status: 'sent', last_error: 'outcome unknown: an earlier attempt handed it to SMTP and stopped before recording the answer; not sent again' })
    .where('id', '=', id)
    .where('status', '=', 'sending')
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
