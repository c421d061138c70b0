import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { MailboxMessage } from '../../api/routes/dev-mailbox.js';

export interface SmtpCatcherOptions {
  port?: number;
  host?: string;
  /** Keeps the newest messages only, so a long local run does not grow without bound. */
  capacity?: number;
  /** Lets a test refuse a message (e.g. `550 mailbox unavailable`) by returning an error with a responseCode. */
  refuse?: (envelope: { from: string; to: string[] }) => (Error & { responseCode?: number }) | undefined;
  /**
   * Lets a test keep back the server's answer to a message it has received until the promise settles:
   * a slow server, whose sender is still waiting on a copy that has in fact arrived.
   */
  hold?: (envelope: { from: string; to: string[] }) => Promise<void> | undefined;
}

export interface SmtpCatcher {
  url: string;
  port: number;
  messages(): readonly MailboxMessage[];
  /** Resolves once `count` messages matching `predicate` have arrived. */
  waitFor(predicate: (message: MailboxMessage) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<MailboxMessage[]>;
  clear(): void;
  stop(): Promise<void>;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((entry) => entry.value.map((address) => address.address ?? '')).filter(Boolean);
}

/**
 * A real SMTP server in-process on loopback: the local default mail server of `npm start` and the
 * catcher of the test suite. Every e-mail the engine sends crosses a real SMTP session to get here.
 */
export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const capacity = options.capacity ?? 10_000;
  const received: MailboxMessage[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    // No certificate on loopback: plain SMTP, as a local relay would speak.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      const envelope = {
        from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      };
      simpleParser(stream)
        .then((parsed) => {
          const refusal = options.refuse?.(envelope);
          if (refusal !== undefined) return callback(refusal);
          const headers: Record<string, string> = {};
          for (const line of parsed.headerLines) {
            const separator = line.line.indexOf(':');
            headers[line.key] = separator < 0 ? '' : line.line.slice(separator + 1).trim();
          }
          received.push({
            messageId: parsed.messageId ?? null,
            from: envelope.from,
            to: envelope.to.length > 0 ? envelope.to : addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers,
            receivedAt: new Date().toISOString(),
          });
          if (received.length > capacity) received.splice(0, received.length - capacity);
          for (const wake of waiters) wake();
          const held = options.hold?.(envelope);
          if (held === undefined) return callback();
          return held.then(() => callback());
        })
        .catch((error: Error) => callback(error));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      // Once listening, smtp-server reports a client's broken connection (a sender killed mid-DATA:
      // ECONNRESET) as an error of the server; unheard, it would be an uncaught exception that ends
      // the process holding the catcher. A message cut off before its end-of-data dot was never
      // delivered, which is what a real server does too: nothing to record.
      server.on('error', () => undefined);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages: () => received,
    waitFor(predicate, { count = 1, timeoutMs = 30_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = received.filter(predicate);
          if (matching.length < count) return false;
          cleanup();
          resolve(matching);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`SMTP catcher: expected ${count} matching message(s) within ${timeoutMs} ms, got ${received.filter(predicate).length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        waiters.add(wake);
        check();
      });
    },
    clear: () => void received.splice(0),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
