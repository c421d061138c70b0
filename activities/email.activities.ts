import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection.js';
import { findContact } from '../db/contact.repository.js';
import { claimEmail, markEmailFailed, markEmailSent } from '../db/email.repository.js';
import { handoffNotice } from '../db/handoff.repository.js';
import { traitValues } from '../domain/traits.js';
import type { TemplateRenderer } from '../templates/renderer.js';
import type { MailTransport } from './mail-transport.js';
import { classifySmtpError } from './smtp-errors.js';

export interface EmailDependencies {
  db: Db;
  mailer: MailTransport;
  templates: TemplateRenderer;
  mailFrom: string;
}

export interface SendEmailInput {
  /** What caused this e-mail, e.g. `<journey workflow id>/<node id>`: the same cause never sends twice. */
  cause: string;
  contactId: string;
  template: string;
  /**
   * Marketing mail needs consent for its topic and counts against the contact's budget; transactional
   * mail (order confirmation, double opt-in, a rep's notification) is exempt and marked so.
   */
  category?: 'marketing' | 'transactional';
  /** Subscription topic of marketing mail (newsletter, promotions, product_news...). */
  topic?: string;
  /** Extra Liquid variables beside `contact`: event properties, a coupon code. Ids and codes, not personal data. */
  data?: Record<string, unknown>;
  /**
   * Mail about the contact to someone else: the owner (or the manager it was escalated to) of a
   * sales hand-off, read here with the hand-off's summary (as `handoff`) so the history keeps ids only.
   */
  recipient?: { handoffId: string; role: 'owner' | 'manager' };
}

export type SendEmailResult =
  | { status: 'sent'; emailId: string }
  | { status: 'already-sent'; emailId: string }
  /** Consent, suppression or budget said no, checked right before the send; nothing left the building. */
  | { status: 'skipped'; emailId: string; reason: string }
  /** Quiet hours or a budget set to defer: the caller waits until `until` (ISO time) and asks again with the same cause. */
  | { status: 'deferred'; emailId: string; until: string; reason: string };

/** The e-mail's id follows from its cause, so every retry and replay lands on the same outbox row. */
export function emailIdFor(cause: string): string {
  return createHash('sha256').update(cause).digest('hex').slice(0, 32);
}

function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'relance.localhost';
}

export function createEmailActivities(deps: EmailDependencies) {
  const messageDomain = domainOf(deps.mailFrom);

  async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
    const contact = await findContact(deps.db, input.contactId);
    if (contact === undefined) {
      throw ApplicationFailure.nonRetryable(`contact ${input.contactId} does not exist`, 'ContactNotFound');
    }
    if (contact.email === null) {
      throw ApplicationFailure.nonRetryable(`contact ${input.contactId} has no e-mail address`, 'NoEmailAddress');
    }
    const notice = input.recipient === undefined ? undefined : await handoffNotice(deps.db, input.recipient.handoffId, input.recipient.role);
    if (notice !== undefined && notice.to === null) {
      throw ApplicationFailure.nonRetryable(`hand-off ${input.recipient?.handoffId} has no ${input.recipient?.role} to write to`, 'NoRecipient');
    }
    const emailId = emailIdFor(input.cause);
    const outbox = await claimEmail(deps.db, { id: emailId, contactId: contact.id, template: input.template, to: notice?.to ?? contact.email });
    if (outbox.status === 'sent') return { status: 'already-sent', emailId };
    if (outbox.status === 'failed') {
      throw ApplicationFailure.nonRetryable(`e-mail ${emailId} failed permanently: ${outbox.last_error ?? ''}`, 'EmailFailed');
    }

    const rendered = await deps.templates.render(input.template, { ...input.data, ...notice?.data, contact: traitValues(contact.traits) });
    try {
      const info = await deps.mailer.sendMail({
        from: deps.mailFrom,
        to: outbox.to_address,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        // Receivers and our own catcher de-duplicate on Message-ID; it is stable across retries.
        messageId: `<${emailId}@${messageDomain}>`,
        headers: { 'X-Relance-Email-Id': emailId },
        textEncoding: 'base64',
      });
      await markEmailSent(deps.db, emailId, rendered.subject, info.response);
      return { status: 'sent', emailId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = classifySmtpError(error);
      await markEmailFailed(deps.db, emailId, message, kind === 'permanent');
      if (kind === 'permanent') throw ApplicationFailure.nonRetryable(message, 'SmtpPermanentFailure');
      throw error;
    }
  }

  return { sendEmail };
}
