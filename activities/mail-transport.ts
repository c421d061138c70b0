import { Duplex } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
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
  const transport = nodemailer.createTransport({
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
  // The message's own stream passes through its commit point as nodemailer composes it: one
  // composition per e-mail, streamed to the server (building it first and sending the result as raw
  // data composed every message twice).
  transport.use('stream', (mail, done) => {
    const commit = (mail.data as CommitPointOptions)[COMMIT_POINT];
    if (commit !== undefined) mail.message.transform(() => new CommitPoint(commit.commit, commit.emailId));
    done();
  });
  return transport;
}

/** The attempt lost its claim on the e-mail to another one: its copy was abandoned before the end of DATA. */
export class SendClaimLost extends Error {
  constructor(emailId: string) {
    super(`e-mail ${emailId} was claimed by another attempt; this copy was abandoned before the end of its data`);
    this.name = 'SendClaimLost';
  }
}

/** Where a message carries its commit point to the transport's stream plugin (nodemailer copies string keys only). */
const COMMIT_POINT = 'relanceCommitPoint';
interface CommitPointOptions {
  [COMMIT_POINT]?: { commit: () => Promise<boolean>; emailId: string };
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
export function sendAtCommitPoint(
  mailer: MailTransport,
  message: Mail.Options & { from: string; to: string; messageId: string },
  commit: () => Promise<boolean>,
  emailId: string,
): Promise<SMTPPool.SentMessageInfo> {
  const options: Mail.Options & CommitPointOptions = { ...message, [COMMIT_POINT]: { commit, emailId } };
  return mailer.sendMail(options);
}

/**
 * Takes the composed message whole and hands it on in one piece (one write to the socket, not one
 * per encoded line: a system call costs more here than the copy), then holds its end until
 * `commit()` answers. The readable side keeps nothing ahead of its reader (a high-water mark of zero),
 * so the next read after the body means the body has been taken towards the SMTP data stream: only
 * then does the commit run, and a refused commit or an error there leaves the server without its dot.
 */
class CommitPoint extends Duplex {
  private chunks: Buffer[] = [];
  private body: Buffer | undefined;
  private handedOver = false;
  private committing = false;
  private wanted = false;

  constructor(
    private readonly commit: () => Promise<boolean>,
    private readonly emailId: string,
  ) {
    super({ readableHighWaterMark: 0 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, next: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    next();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.body = Buffer.concat(this.chunks);
    this.chunks = [];
    done();
    if (this.wanted) this.handOn();
  }

  override _read(): void {
    this.wanted = true;
    if (this.body !== undefined) this.handOn();
  }

  private handOn(): void {
    this.wanted = false;
    if (!this.handedOver) {
      this.handedOver = true;
      this.push(this.body);
      return;
    }
    if (this.committing) return;
    this.committing = true;
    this.commit().then(
      (committed) => (committed ? this.push(null) : this.destroy(new SendClaimLost(this.emailId))),
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
