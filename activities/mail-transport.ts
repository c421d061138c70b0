import nodemailer, { type Transporter } from 'nodemailer';
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
