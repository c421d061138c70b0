import { setTimeout as sleep } from 'node:timers/promises';
import type { NewsletterCounts } from '../../domain/newsletter.js';
import { progressBar, UsageError, type CliContext, type Command, type CommandGroup } from './command.js';

// `npm run relance -- newsletter send|progress|pause|resume|cancel <id>`, over the HTTP API with
// an admin key: the CLI sees what any client sees.

interface NewsletterView {
  id: string;
  name: string;
  status: string;
  counts: NewsletterCounts;
  progress: { nextSendAt: string | null } | null;
}

const FINISHED = new Set(['completed', 'cancelled']);
const number = (n: number) => n.toLocaleString('en');

/** One line: a bar of the recipients handled (sent, skipped or failed) out of all, and the counts. */
export function formatProgress(view: Pick<NewsletterView, 'status' | 'counts' | 'progress'>, width = 30): string {
  const { total, queued, sent, failed, skipped } = view.counts;
  const skippedTotal = Object.values(skipped).reduce((sum, n) => sum + n, 0);
  const handled = total - queued;
  const ratio = total === 0 ? (FINISHED.has(view.status) ? 1 : 0) : handled / total;
  const reasons = Object.entries(skipped)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${number(n)}`)
    .join(', ');
  const next = view.progress?.nextSendAt && queued > 0 ? ` · next at ${view.progress.nextSendAt}` : '';
  return (
    `${progressBar(ratio, width)} ${String(Math.floor(ratio * 100)).padStart(3)}% ` +
    `${number(handled)}/${number(total)} · sent ${number(sent)} · skipped ${number(skippedTotal)}${reasons === '' ? '' : ` (${reasons})`} · failed ${number(failed)} · ${view.status}${next}`
  );
}

async function call(context: CliContext, method: 'GET' | 'POST', path: string): Promise<NewsletterView> {
  const response = await fetch(`${context.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await context.adminKey()}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? '{}' : undefined,
  });
  const body = (await response.json().catch(() => ({}))) as NewsletterView & { message?: string };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${body.message ?? ''}`.trim());
  return body;
}

function newsletterId(args: string[]): string {
  const id = args[0];
  if (id === undefined || !/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError('expected a newsletter id (uuid)');
  return id;
}

/** Polls until the newsletter completes or is cancelled: a redrawn bar on a terminal, a line per change otherwise. */
async function follow(context: CliContext, id: string, intervalMs: number): Promise<number> {
  const tty = context.out.isTTY === true;
  let last = '';
  for (;;) {
    const view = await call(context, 'GET', `/v1/newsletters/${id}`);
    const line = formatProgress(view);
    if (line !== last) {
      context.out.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
    }
    if (FINISHED.has(view.status)) {
      if (tty) context.out.write('\n');
      return view.counts.failed > 0 ? 1 : 0;
    }
    await sleep(intervalMs);
  }
}

const POLL_MS = 500;

const send: Command = {
  usage: '<id>',
  summary: 'send a draft (now or on its schedule) and follow its progress',
  async run(args, context) {
    const id = newsletterId(args);
    await call(context, 'POST', `/v1/newsletters/${id}/send`);
    return follow(context, id, POLL_MS);
  },
};

const progress: Command = {
  usage: '<id>',
  summary: 'follow a newsletter’s progress until it completes',
  run: async (args, context) => follow(context, newsletterId(args), POLL_MS),
};

function steer(action: 'pause' | 'resume' | 'cancel', summary: string): Command {
  return {
    usage: '<id>',
    summary,
    async run(args, context) {
      const view = await call(context, 'POST', `/v1/newsletters/${newsletterId(args)}/${action}`);
      context.out.write(`${formatProgress(view)}\n`);
      return 0;
    },
  };
}

export const newsletterCommands: CommandGroup = {
  summary: 'send newsletters and follow them',
  commands: {
    send,
    progress,
    pause: steer('pause', 'pause sending (copies in flight finish)'),
    resume: steer('resume', 'resume a paused newsletter'),
    cancel: steer('cancel', 'cancel; everyone not reached is skipped, reason cancelled'),
  },
};
