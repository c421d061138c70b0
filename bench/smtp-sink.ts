// A local SMTP sink for bench/send.bench.ts, run in a child process so the sender gets a core of
// its own (the machine has two) and the figures measure the sender, not the receiver.
//
//   mode 'drain':   smtp-server with an onData that drains the stream and counts (no parsing).
//   mode 'catcher': the project's scripts/local/smtp-catcher.ts (mailparser per message), to
//                   show what the local default catcher costs.
//   mode 'relay':   the draining sink, answering MAIL FROM, RCPT TO and the end of DATA after
//                   `delayMs` each, like a relay a few milliseconds away: loopback has no
//                   round-trip time, a real relay does, and that is what a pool's size is for.
//
// The parent talks to the child over IPC: 'ready' {port}, then 'count' on request.

import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

export type SinkMode = 'drain' | 'catcher' | 'relay';

interface ReadyMessage {
  type: 'ready';
  port: number;
}
interface CountMessage {
  type: 'count';
  messages: number;
  bytes: number;
  /** Distinct `X-Relance-Email-Id` headers seen, and messages whose id had been seen before. */
  emailIds: number;
  duplicates: number;
  /** CPU time the sink process has used so far (user + system), in µs. */
  cpuMicros: number;
}
type SinkMessage = ReadyMessage | CountMessage | { type: 'error'; message: string };

export interface SmtpSink {
  url: string;
  port: number;
  /** Messages (and bytes, in drain mode) the sink has accepted so far, and the CPU it used. */
  count(): Promise<{ messages: number; bytes: number; emailIds: number; duplicates: number; cpuMicros: number }>;
  stop(): Promise<void>;
}

interface LocalSink {
  port: number;
  count(): { messages: number; bytes: number; emailIds: number; duplicates: number };
  stop(): Promise<void>;
}

// The e-mail's id as the send path writes it in the header block (never folded: 32 hex digits).
const EMAIL_ID_HEADER = /^X-Relance-Email-Id:\s*(\S+)/im;
const HEADER_END = '\r\n\r\n';

async function startDrainSink(delayMs = 0): Promise<LocalSink> {
  let messages = 0;
  let bytes = 0;
  // Every id seen, so a bench can show each e-mail arrived once (what exactly-once promises).
  const seenIds = new Set<string>();
  let duplicates = 0;
  const answer = (callback: () => void) => (delayMs > 0 ? setTimeout(callback, delayMs) : callback());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // The sink answers at once on loopback: a reverse DNS lookup would only add noise.
    disableReverseLookup: true,
    logger: false,
    size: 25 * 1024 * 1024,
    onMailFrom(_address, _session, callback) {
      answer(callback);
    },
    onRcptTo(_address, _session, callback) {
      answer(callback);
    },
    onData(stream, _session, callback) {
      // Only the header block is looked at, and only until it ends: the body is drained unread.
      let head: string | undefined = '';
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head === undefined) return;
        head += chunk.toString('latin1', 0, Math.min(chunk.length, 16_384));
        const end = head.indexOf(HEADER_END);
        if (end < 0 && head.length < 16_384) return;
        const id = EMAIL_ID_HEADER.exec(end < 0 ? head : head.slice(0, end))?.[1];
        if (id !== undefined) {
          if (seenIds.has(id)) duplicates++;
          else seenIds.add(id);
        }
        head = undefined;
      });
      stream.on('end', () => {
        messages++;
        answer(callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    count: () => ({ messages, bytes, emailIds: seenIds.size, duplicates }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startCatcherSink(): Promise<LocalSink> {
  const { startSmtpCatcher } = await import('../scripts/local/smtp-catcher.js');
  const catcher = await startSmtpCatcher({ capacity: 1_000_000 });
  return {
    port: catcher.port,
    count: () => ({ messages: catcher.messages().length, bytes: 0, emailIds: 0, duplicates: 0 }),
    stop: () => catcher.stop(),
  };
}

async function runChild(mode: SinkMode, delayMs: number): Promise<void> {
  const send = (message: SinkMessage) => process.send?.(message);
  try {
    const sink = mode === 'catcher' ? await startCatcherSink() : await startDrainSink(mode === 'relay' ? delayMs : 0);
    process.on('message', (request: unknown) => {
      if (request === 'count') {
        const cpu = process.cpuUsage();
        send({ type: 'count', ...sink.count(), cpuMicros: cpu.user + cpu.system });
      }
      if (request === 'stop') void sink.stop().finally(() => process.exit(0));
    });
    // The parent went away (crash, Ctrl-C): do not linger.
    process.on('disconnect', () => process.exit(0));
    send({ type: 'ready', port: sink.port });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

/** Starts the sink in a child process on 127.0.0.1 and a free port. */
export async function startSmtpSink(mode: SinkMode = 'drain', options: { delayMs?: number } = {}): Promise<SmtpSink> {
  const child = fork(fileURLToPath(import.meta.url), ['--bench-smtp-sink', mode, String(options.delayMs ?? 0)], {
    // The child runs this TypeScript file through tsx's loader, wherever the bench is started from.
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends SinkMessage['type']>(type: T): Promise<Extract<SinkMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: SinkMessage) => {
        if (message.type === 'error') {
          cleanup();
          reject(new Error(`SMTP sink: ${message.message}`));
        } else if (message.type === type) {
          cleanup();
          resolve(message as Extract<SinkMessage, { type: T }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`SMTP sink exited (${code ?? 'signal'})`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready').catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    url: `smtp://127.0.0.1:${ready.port}`,
    port: ready.port,
    async count() {
      const reply = next('count');
      child.send('count');
      const { messages, bytes, emailIds, duplicates, cpuMicros } = await reply;
      return { messages, bytes, emailIds, duplicates, cpuMicros };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}

const modeIndex = process.argv.indexOf('--bench-smtp-sink');
if (modeIndex >= 0 && process.send !== undefined) {
  const mode = process.argv[modeIndex + 1];
  await runChild(mode === 'catcher' || mode === 'relay' ? mode : 'drain', Number(process.argv[modeIndex + 2] ?? 0));
}
