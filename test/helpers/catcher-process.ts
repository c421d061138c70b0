// The project's SMTP catcher (scripts/local/smtp-catcher.ts) in a child process, for tests that send
// thousands of messages: its mailparser work then runs beside the worker instead of on the worker's
// own thread. The test asks the child for what it received over IPC.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MailboxMessage } from '../../api/routes/dev-mailbox.js';

export type CaughtMessage = Pick<MailboxMessage, 'messageId' | 'to' | 'subject' | 'text'>;

type Reply = { type: 'ready'; port: number } | { type: 'messages'; messages: CaughtMessage[] } | { type: 'error'; message: string };

export interface CatcherProcess {
  url: string;
  /** Messages received so far whose first recipient starts with `prefix`. */
  messages(prefix: string): Promise<CaughtMessage[]>;
  /**
   * Goes down as a crashing server would for its clients, yet keeps its record: from now on every
   * message is refused with a 421 (try again later), and what it accepted before is returned.
   */
  shutDown(prefix: string): Promise<CaughtMessage[]>;
  stop(): Promise<void>;
}

/** `port` brings a stopped catcher back where senders expect it (an SMTP outage and its end). */
export async function startCatcherProcess(options: { port?: number } = {}): Promise<CatcherProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--relance-catcher-child', `--port=${options.port ?? 0}`], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends Reply['type']>(type: T) =>
    new Promise<Extract<Reply, { type: T }>>((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        if (reply.type === 'error' || reply.type === type) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (reply.type === 'error') reject(new Error(`SMTP catcher process: ${reply.message}`));
          else resolve(reply as Extract<Reply, { type: T }>);
        }
      };
      const onExit = (code: number | null) => reject(new Error(`SMTP catcher process exited (${code ?? 'signal'})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { port } = await next('ready');
  return {
    url: `smtp://127.0.0.1:${port}`,
    async messages(prefix) {
      const reply = next('messages');
      child.send({ type: 'messages', prefix });
      return (await reply).messages;
    },
    async shutDown(prefix) {
      const reply = next('messages');
      child.send({ type: 'shutdown', prefix });
      const { messages } = await reply;
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      return messages;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

if (process.argv.includes('--relance-catcher-child') && process.send !== undefined) {
  const send = (reply: Reply) => process.send?.(reply);
  const { startSmtpCatcher } = await import('../../scripts/local/smtp-catcher.js');
  try {
    const port = Number(process.argv.find((arg) => arg.startsWith('--port='))?.slice('--port='.length) ?? 0);
    let down = false;
    const unavailable = Object.assign(new Error('service shutting down'), { responseCode: 421 });
    const catcher = await startSmtpCatcher({ capacity: 1_000_000, port, refuse: () => (down ? unavailable : undefined) });
    process.on('message', (request: { type: string; prefix: string }) => {
      if (request.type !== 'messages' && request.type !== 'shutdown') return;
      // Refuse first, then report: nothing accepted after the report is left out of it.
      if (request.type === 'shutdown') down = true;
      const messages = catcher.messages().filter((m) => m.to[0]?.startsWith(request.prefix));
      send({ type: 'messages', messages: messages.map(({ messageId, to, subject, text }) => ({ messageId, to, subject, text })) });
      if (request.type === 'shutdown') setTimeout(() => process.exit(0), 100);
    });
    process.on('disconnect', () => process.exit(0));
    send({ type: 'ready', port: catcher.port });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
