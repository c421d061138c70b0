import { createHash, randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection.js';
import type { Config } from '../domain/config.js';
import { createCoalescer } from '../db/coalesce.js';
import { loadSendContexts, suppressAddress, type SendContextRequest } from '../db/consent.repository.js';
import { handoffNotice } from '../db/handoff/index.js';
import { claimEmailsForSending, markEmailFailed, markEmailsSent, markEmailSentUnconfirmed, recordEmailHeld, releaseEmail, type OutboxEmail, type SentAnswer } from '../db/email.repository.js';
import { ALL_TOPICS, BUDGET_WINDOW_MS, TOPIC_PATTERN, decideSend, type SendPolicy } from '../domain/send-policy.js';
import { withCouponImages } from '../domain/barcodes.js';
import { issueCampaignCode } from './coupons.js';
import { signToken } from '../domain/tokens.js';
import { rewriteTrackedHtml } from '../domain/tracking.js';
import { traitValues } from '../domain/traits.js';
import { TemplateError, renderCompiled, type ResolvedTemplate, type TemplateRenderer } from '../templates/renderer.js';
import { SendClaimLost, sendAtCommitPoint, type MailTransport } from './mail-transport.js';
import { classifySmtpError } from './smtp-errors.js';
import { emails, smtpDuration } from '../telemetry/metrics.js';

export interface SenderIdentity {
  from: string;
  replyTo?: string;
}

/** Links, consent rules and senders of the send path; the entry points build it from the config. */
export interface MessagingOptions {
  /** Signs unsubscribe, preference, click, open and confirmation links (RELANCE_SECRET). */
  secret: string;
  /** Where the API answers those links, without a trailing slash (PUBLIC_URL). */
  publicUrl: string;
  policy: SendPolicy;
  /** Named identities a template picks with `sender: <name>`; unnamed templates use `mailFrom`. */
  senders?: Readonly<Record<string, SenderIdentity>>;
  /** The mailto: half of List-Unsubscribe; defaults to unsubscribe@ the sender's domain. */
  unsubscribeMailto?: string;
  /** The sender's site as templates name it (`{{ site.name }}`, `{{ site.url }}`: SITE_NAME, SITE_URL). */
  site?: { name?: string; url?: string };
}

export interface EmailDependencies {
  db: Db;
  mailer: MailTransport;
  templates: TemplateRenderer;
  mailFrom: string;
  /**
   * Absent only in tests that do not look at links or consent rules: a secret of this process only,
   * no quiet hours and a budget nobody reaches. Every entry point passes the configured one.
   */
  messaging?: MessagingOptions;
  /** The send path's clock; tests of quiet hours and budgets pass a fixed one. */
  clock?: () => Date;
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
  /**
   * A code of this campaign for the contact, as `coupon`: issued only for a copy that is sent (not one
   * skipped or deferred), the same code for every retry of the cause.
   */
  coupon?: { campaignId: string; cause: string };
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

// Confirmation links of a double opt-in stay valid for a month; unsubscribe links never expire.
const CONFIRM_TTL_SECONDS = 30 * 86_400;

function defaultMessaging(): MessagingOptions {
  return {
    secret: randomBytes(32).toString('base64url'),
    publicUrl: 'http://127.0.0.1:3000',
    policy: { marketingPerWeek: 1_000_000, overBudget: 'defer', quietHours: null, defaultTimeZone: 'UTC' },
  };
}

/** The signed links of one e-mail, as the send path puts them in the message and its headers. */
export function linksFor(messaging: MessagingOptions, input: { contactId: string; emailId: string; topic: string | null; now: Date }) {
  const { secret, publicUrl } = messaging;
  const base = { contactId: input.contactId, emailId: input.emailId };
  return {
    unsubscribeUrl: `${publicUrl}/u/${signToken(secret, { purpose: 'unsubscribe', ...base, topic: input.topic ?? ALL_TOPICS })}`,
    preferencesUrl: `${publicUrl}/p/${signToken(secret, { purpose: 'preferences', ...base })}`,
    confirmUrl:
      input.topic === null
        ? undefined
        : `${publicUrl}/confirm/${signToken(secret, { purpose: 'confirm', contactId: input.contactId, topic: input.topic, expiresAt: Math.floor(input.now.getTime() / 1000) + CONFIRM_TTL_SECONDS })}`,
    clickUrl: (url: string) => `${publicUrl}/c/${signToken(secret, { purpose: 'click', ...base, url })}`,
    pixelUrl: `${publicUrl}/o/${signToken(secret, { purpose: 'open', ...base })}.gif`,
  };
}

/** The send path: the two activities, and sessions for an activity that sends many (a newsletter page). */
export function createEmailSender(deps: EmailDependencies) {
  const messageDomain = domainOf(deps.mailFrom);
  const messaging = deps.messaging ?? defaultMessaging();
  const clock = deps.clock ?? (() => new Date());
  const unsubscribeMailto = messaging.unsubscribeMailto ?? `unsubscribe@${messageDomain}`;
  const ownLinks = [`${messaging.publicUrl}/u/`, `${messaging.publicUrl}/p/`, `${messaging.publicUrl}/confirm/`];
  // E-mails on their way at the same moment (a batch's lanes, a newsletter page, other activities)
  // share their statements: each still reads its own checks right before its send and is claimed on
  // its own row at its own commit point, but those that ask while a read or a claim is in flight go
  // together in the next one. A quiet moment reads and claims alone, at once.
  const loadSendContext = createCoalescer((requests: SendContextRequest[]) => loadSendContexts(deps.db, requests), { maxInFlight: 1, maxItems: STATEMENT_ITEMS });
  const claimForSending = createCoalescer((claims: { email: OutboxEmail; now: Date }[]) => claimEmailsForSending(deps.db, claims), { maxInFlight: 1, maxItems: STATEMENT_ITEMS });

  /**
   * A run of sends that share what can be shared without weakening any one of them: the template
   * version resolved once (the version published when the run began), and the servers' answers
   * written together. Each e-mail still reads its own consent, suppression, budget and outbox row and
   * is claimed at its own SMTP commit point. An answer not yet written leaves the row `sending`,
   * which every later attempt reads as delivered: a crash before `flush()` loses the answer's text,
   * never sends a copy twice.
   */
  function openSendSession(): SendSession {
    const templates = new Map<string, Promise<ResolvedTemplate>>();
    let answers: SentAnswer[] = [];
    const flush = async () => {
      // Taken before the write: an answer arriving meanwhile goes to the next write, not a lost one.
      const taken = answers;
      answers = [];
      await markEmailsSent(deps.db, taken);
    };
    const shared: SharedSendWork = {
      template: (name) => {
        let template = templates.get(name);
        if (template === undefined) {
          template = deps.templates.resolve(name);
          // A failed lookup is not kept: the next e-mail of the session asks again.
          template.catch(() => templates.delete(name));
          templates.set(name, template);
        }
        return template;
      },
      answered: (answer) => {
        answers.push(answer);
        return answers.length >= ANSWERS_PER_WRITE ? flush() : Promise.resolve();
      },
    };
    return { send: (input) => countOutcome(attemptSend(input, shared)), flush };
  }

  /** Counted by its outcome: what an operator's bounce-rate and skip alerts read. */
  async function countOutcome(attempt: Promise<SendEmailResult>): Promise<SendEmailResult> {
    try {
      const result = await attempt;
      emails.inc({ outcome: result.status.replace('-', '_'), reason: 'reason' in result ? result.reason : '' });
      return result;
    } catch (error) {
      const type = error instanceof ApplicationFailure ? (error.type ?? 'failed') : 'error';
      if (type === 'SmtpPermanentFailure') emails.inc({ outcome: 'bounced', reason: '' });
      else if (type === 'SmtpTransientFailure') emails.inc({ outcome: 'retrying', reason: '' });
      else emails.inc({ outcome: 'failed', reason: type });
      throw error;
    }
  }

  /** One e-mail, its answer written before the activity returns. */
  async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
    const session = openSendSession();
    const result = await session.send(input);
    await session.flush();
    return result;
  }

  async function attemptSend(input: SendEmailInput, shared: SharedSendWork): Promise<SendEmailResult> {
    const now = clock();
    const emailId = emailIdFor(input.cause);
    // The version published now: resolved once, so the row names the version that was rendered.
    const template = await shared.template(input.template).catch((error: unknown) => {
      // A broken template does not fix itself on retry: the marketer has to publish a fixed one.
      if (error instanceof TemplateError) throw ApplicationFailure.nonRetryable(error.message, 'TemplateInvalid');
      throw error;
    });
    const category = input.category ?? template.meta.category ?? 'marketing';
    const topic = input.topic ?? template.meta.topic ?? null;
    if (topic !== null && (!TOPIC_PATTERN.test(topic) || topic === ALL_TOPICS)) {
      throw ApplicationFailure.nonRetryable(`invalid topic ${JSON.stringify(topic)}`, 'InvalidTopic');
    }
    const sender = template.meta.sender === undefined ? { from: deps.mailFrom } : messaging.senders?.[template.meta.sender];
    if (sender === undefined) throw ApplicationFailure.nonRetryable(`template ${input.template} names an unknown sender ${template.meta.sender ?? ''}`, 'UnknownSender');

    // One round trip: the contact, its consent, the suppression of its address, its budget, this e-mail's row.
    const context = await loadSendContext({ contactId: input.contactId, emailId, topic, budgetSince: new Date(now.getTime() - BUDGET_WINDOW_MS) });
    if (context === undefined) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} does not exist`, 'ContactNotFound');
    switch (context.outbox?.status) {
      case 'sent':
        return { status: 'already-sent', emailId };
      case 'sending':
        // An attempt committed `sending` right before its end-of-data dot (sendAtCommitPoint) and did
        // not write the server's answer down: the server has the message. Sending again would make two.
        await markEmailSentUnconfirmed(deps.db, emailId);
        return { status: 'already-sent', emailId };
      case 'skipped':
        return { status: 'skipped', emailId, reason: context.outbox.skipReason ?? 'skipped' };
      case 'failed':
        throw ApplicationFailure.nonRetryable(`e-mail ${emailId} failed permanently`, 'EmailFailed');
      default:
        break;
    }
    // A hand-off notice goes to a rep about the contact: staff mail, outside the contact's consent and budget.
    const notice = input.recipient === undefined ? undefined : await handoffNotice(deps.db, input.recipient.handoffId, input.recipient.role);
    if (notice !== undefined && notice.to === null) {
      throw ApplicationFailure.nonRetryable(`hand-off ${input.recipient?.handoffId} has no ${input.recipient?.role} to write to`, 'NoRecipient');
    }
    const to = notice?.to ?? context.email;
    if (to === null) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} has no e-mail address`, 'NoEmailAddress');

    const traits = traitValues(context.traits);
    const outboxEmail: OutboxEmail = { id: emailId, contactId: context.contactId, template: input.template, templateVersion: template.version, to, category, topic };
    const timeZone = typeof traits['timezone'] === 'string' ? traits['timezone'] : null;
    const decision = notice === undefined ? decideSend({ category, topic, timeZone, marketingPaused: traits['marketing_paused'] === true, ...context }, messaging.policy, now) : ({ action: 'send' } as const);
    if (decision.action === 'skip') {
      await recordEmailHeld(deps.db, outboxEmail, { status: 'skipped', reason: decision.reason });
      return { status: 'skipped', emailId, reason: decision.reason };
    }
    if (decision.action === 'defer') {
      await recordEmailHeld(deps.db, outboxEmail, { status: 'deferred', reason: decision.reason, until: decision.until });
      return { status: 'deferred', emailId, until: decision.until.toISOString(), reason: decision.reason };
    }

    const coupon = input.coupon === undefined ? undefined : await issueCampaignCode(deps.db, { ...input.coupon, contactId: context.contactId, issuedAt: now });
    const links = linksFor(messaging, { contactId: context.contactId, emailId, topic, now });
    const rendered = renderCompiled(template, {
      ...withCouponImages(coupon === undefined ? input.data : { ...input.data, coupon }, messaging.publicUrl, messaging.secret),
      ...notice?.data,
      contact: traits,
      ...(messaging.site === undefined ? {} : { site: messaging.site }),
      unsubscribe_url: links.unsubscribeUrl,
      preferences_url: links.preferencesUrl,
      ...(links.confirmUrl === undefined ? {} : { confirm_url: links.confirmUrl }),
    });
    const html = template.meta.tracking
      ? rewriteTrackedHtml(rendered.html, { clickUrl: links.clickUrl, keep: (url) => ownLinks.some((own) => url.startsWith(own)), pixelUrl: links.pixelUrl }).html
      : rendered.html;

    let smtpResponse: string;
    try {
      const message = {
        from: sender.from,
        ...(sender.replyTo === undefined ? {} : { replyTo: sender.replyTo }),
        to,
        subject: rendered.subject,
        html,
        text: rendered.text,
        // Stable across retries: a receiver that de-duplicates on Message-ID sees one message.
        messageId: `<${emailId}@${messageDomain}>`,
        headers: {
          'X-Relance-Email-Id': emailId,
          'X-Relance-Category': category,
          ...(category === 'marketing'
            ? {
                // RFC 2369 + RFC 8058: mailbox providers show an unsubscribe button that POSTs to the first URL.
                'List-Unsubscribe': `<${links.unsubscribeUrl}>, <mailto:${unsubscribeMailto}?subject=unsubscribe-${emailId}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              }
            : {}),
        },
        textEncoding: 'base64' as const,
      };
      // The outbox row goes to `sending` between the last byte of the body and the end-of-data dot.
      const stopTimer = smtpDuration.startTimer();
      const info = await sendAtCommitPoint(deps.mailer, message, () => claimForSending({ email: outboxEmail, now }), emailId).finally(stopTimer);
      smtpResponse = info.response;
    } catch (error) {
      // Another attempt holds the row: its copy is the one that goes out.
      if (error instanceof SendClaimLost) return { status: 'already-sent', emailId };
      // Servers quote the recipient in their refusals; the address stays in the database, out of
      // Temporal's history and the worker's logs.
      const message = (error instanceof Error ? error.message : String(error)).split(to).join('<recipient>');
      if (classifySmtpError(error) === 'permanent') {
        await markEmailFailed(deps.db, emailId, message, true);
        await suppressAddress(deps.db, to, 'hard_bounce', message.slice(0, 500));
        throw ApplicationFailure.nonRetryable(message, 'SmtpPermanentFailure');
      }
      await releaseEmail(deps.db, emailId, message);
      throw ApplicationFailure.retryable(message, 'SmtpTransientFailure');
    }
    await shared.answered({ id: emailId, subject: rendered.subject, smtpResponse });
    return { status: 'sent', emailId };
  }

  /**
   * The e-mails of a cohort's members at one moment, each with its own claim and its own consent,
   * suppression and budget checks right before its send, a few at a time to keep the SMTP pool busy.
   * One member's failure does not fail the others: it comes back as `retry` (or `failed` when no
   * retry can help) and the workflow sends that one alone, with sendEmail's retries.
   */
  async function sendEmails(inputs: readonly SendEmailInput[]): Promise<BatchSendOutcome[]> {
    const outcomes: BatchSendOutcome[] = new Array<BatchSendOutcome>(inputs.length);
    const session = openSendSession();
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < inputs.length; index = next++) {
        try {
          outcomes[index] = await session.send(inputs[index] as SendEmailInput);
          // Alive: a worker that dies mid-batch is noticed within the heartbeat timeout, not the batch's.
          Context.current().heartbeat();
        } catch (error) {
          const retryable = !(error instanceof ApplicationFailure && error.nonRetryable);
          const reason = error instanceof Error ? error.message : String(error);
          outcomes[index] = retryable ? { status: 'retry', reason } : { status: 'failed', reason };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_SEND_LANES, inputs.length) }, lane));
    await session.flush();
    return outcomes;
  }

  return { sendEmail, sendEmails, openSendSession };
}

export function createEmailActivities(deps: EmailDependencies) {
  const { sendEmail, sendEmails } = createEmailSender(deps);
  return { sendEmail, sendEmails };
}

/** E-mails read or claimed in one statement at most. */
const STATEMENT_ITEMS = 50;

/** Answers written in one statement: a crash loses the text of at most this many, never a copy. */
const ANSWERS_PER_WRITE = 25;

/** Sends sharing one template resolution per name and one write per few answers (openSendSession). */
export interface SendSession {
  send(input: SendEmailInput): Promise<SendEmailResult>;
  /** Writes the answers kept so far. */
  flush(): Promise<void>;
}

/** What the e-mails of one session share. */
interface SharedSendWork {
  /** The version of a template published when the session first asked for it, compiled. */
  template(name: string): Promise<ResolvedTemplate>;
  /** Keeps a server's answer for the next write (written at once when enough have gathered). */
  answered(answer: SentAnswer): Promise<void>;
}

/** Copies in flight at once in a batch, as a newsletter page sends them. */
const BATCH_SEND_LANES = 8;

/** One e-mail of a batch: what sendEmail answered, or why it did not, for the workflow to decide. */
export type BatchSendOutcome = SendEmailResult | { status: 'retry'; reason: string } | { status: 'failed'; reason: string };

/** The send path's options from the process configuration. */
export function messagingFromConfig(
  config: Pick<Config, 'MARKETING_PER_WEEK' | 'MARKETING_OVER_BUDGET' | 'QUIET_HOURS' | 'DEFAULT_TIMEZONE' | 'MAIL_SENDERS' | 'UNSUBSCRIBE_MAILTO' | 'SITE_NAME' | 'SITE_URL'>,
  secret: string,
  publicUrl: string,
): MessagingOptions {
  return {
    secret,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    policy: { marketingPerWeek: config.MARKETING_PER_WEEK, overBudget: config.MARKETING_OVER_BUDGET, quietHours: config.QUIET_HOURS, defaultTimeZone: config.DEFAULT_TIMEZONE },
    senders: config.MAIL_SENDERS,
    ...(config.UNSUBSCRIBE_MAILTO === undefined ? {} : { unsubscribeMailto: config.UNSUBSCRIBE_MAILTO }),
    site: { ...(config.SITE_NAME === undefined ? {} : { name: config.SITE_NAME }), ...(config.SITE_URL === undefined ? {} : { url: config.SITE_URL.replace(/\/+$/, '') }) },
  };
}
