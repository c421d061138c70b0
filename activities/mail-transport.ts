import { Readable } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

export interface MailTransportOptions {
  smtpUrl: string;
  poolSize: number;
  ratePerSecond: number;
}

export type MailTransport = Transporter<SMTPPool.SentMessageInfo>;

/**
 * One pooled SMTP transport per worker: opening a connection per e-mail costs a greeting delay each
 * time, and mailbox providers rate-limit senders, so the pool also paces the sending.
 */
export function createMailTransport(options: MailTransportOptions): MailTransport {
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    auth: url.username === '' ? undefined : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    maxConnections: options.poolSize,
    // Bounded exchanges: the send path treats an e-mail handed over minutes ago as finished (SEND_IN_FLIGHT_LIMIT_MS).
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    maxMessages: Infinity,
    rateDelta: 1000,
    rateLimit: Math.max(1, Math.round(options.ratePerSecond)),
    // Local catchers and test servers have no certificate; a real relay is reached over smtps or STARTTLS.
    tls: url.hostname === '127.0.0.1' || url.hostname === 'localhost' ? { rejectUnauthorized: false } : undefined,
  } satisfies SMTPPool.Options);
}

/** The attempt lost its claim on the e-mail to another one: its copy was abandoned before the end of DATA. */
export class SendClaimLost extends Error {
  constructor(emailId: string) {
    super(`e-mail ${emailId} was claimed by another attempt; this copy was abandoned before the end of its data`);
    this.name = 'SendClaimLost';
  }
}

/**
 * Sends a message whose SMTP commit point follows a database commit point. An SMTP server accepts a
 * message only when it reads the end-of-data dot; a connection dropped before it (a crash, a kill -9)
 * leaves nothing delivered. So the message body is streamed first, `commit()` runs (our outbox row
 * goes to `sending`), and only then does the stream end and the dot go out. Crash before the commit:
 * nothing was delivered and the row is still open, so a retry sends it. Crash after: the dot is in
 * the kernel's socket buffer, the server gets it, and the retry finds `sending` and does not resend.
 * `commit()` answering false (another attempt holds the row) abandons this copy before the dot.
 */
export async function sendAtCommitPoint(
  mailer: MailTransport,
  message: Mail.Options & { from: string; to: string; messageId: string },
  commit: () => Promise<boolean>,
  emailId: string,
): Promise<SMTPPool.SentMessageInfo> {
  const composed = await new MailComposer(message).compile().build();
  let bodyHandedOver = false;
  const body = new Readable({
    // Zero: the second read() comes only once the body has been taken by the SMTP data stream.
    highWaterMark: 0,
    read() {
      if (!bodyHandedOver) {
        bodyHandedOver = true;
        this.push(composed);
        return;
      }
      commit().then(
        (committed) => (committed ? this.push(null) : this.destroy(new SendClaimLost(emailId))),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  return mailer.sendMail({ envelope: { from: envelopeAddress(message.from), to: [envelopeAddress(message.to)] }, raw: body });
}

function envelopeAddress(address: string): string {
  const [parsed] = addressparser(address, { flatten: true });
  if (parsed === undefined || parsed.address === '') throw new Error(`not an e-mail address: ${address}`);
  return parsed.address;
}
