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
  stop(): Promise<void>;
}

export async function startCatcherProcess(): Promise<CatcherProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--relance-catcher-child'], {
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
    const catcher = await startSmtpCatcher({ capacity: 1_000_000 });
    process.on('message', (request: { type: string; prefix: string }) => {
      if (request.type !== 'messages') return;
      const messages = catcher.messages().filter((m) => m.to[0]?.startsWith(request.prefix));
      send({ type: 'messages', messages: messages.map(({ messageId, to, subject, text }) => ({ messageId, to, subject, text })) });
    });
    process.on('disconnect', () => process.exit(0));
    send({ type: 'ready', port: catcher.port });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
