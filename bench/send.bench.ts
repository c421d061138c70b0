// Sending throughput over real SMTP on loopback, through the project's pooled transport
// (activities/mail-transport.ts) with the message options the e-mail activity uses, against one
// new connection per e-mail (nodemailer without a pool). The receiving end is a draining
// smtp-server in a child process (bench/smtp-sink.ts), so the figures measure the sender.
// Tuning variants: pool size, textEncoding, a relay 5 ms away (pool size vs round trips), and the
// project's own catcher as the receiver. docs/BENCHMARKS.md explains each figure.
//
//   npx tsx bench/run.ts send

import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { createMailTransport } from '../activities/mail-transport.js';
import { type BenchFigure, type BenchSuite, countFromEnv, formatNumber, ratioOf, round, runConcurrent } from './harness.js';
import { type SinkMode, type SmtpSink, startSmtpSink } from './smtp-sink.js';

export interface SendBenchOptions {
  /** E-mails sent through the pooled transport for the headline figure. */
  pooled?: number;
  /** E-mails sent with one new connection each (the baseline). */
  unpooled?: number;
  /** E-mails per tuning variant (pool sizes, encoding, catcher). */
  variant?: number;
  /** Sends in flight at once, as a worker's concurrent activity slots would have them. */
  inFlight?: number;
  /** Reply delay of the simulated relay (MAIL FROM, RCPT TO, end of DATA), in ms. */
  relayDelayMs?: number;
}

const FROM = 'Relance <hello@relance.localhost>';
const POOL_SIZE = 5; // SMTP_POOL_SIZE's default
const HTML_BYTES = 30 * 1024;

/** ≈ 30 KB of newsletter-like HTML: table markup, links, a few non-ASCII characters. */
function makeHtmlParts(): [string, string] {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relance Store — May picks</title>' +
    '<style>body{margin:0;padding:0}table,td{border-collapse:collapse}.btn a{color:#fff;text-decoration:none}</style></head>' +
    '<body style="background:#f3f4f6;"><div style="max-width:600px;margin:0 auto;font-family:Helvetica,Arial,sans-serif;">' +
    '<table role="presentation" width="100%"><tr><td style="padding:24px;font-size:24px;font-weight:bold;color:#111827;">Hello ';
  let body = ', here are this month’s picks</td></tr></table>';
  for (let k = 0; body.length < HTML_BYTES - head.length - 200; k++) {
    body +=
      `<table role="presentation" width="100%" style="background:#ffffff;border-bottom:1px solid #e5e7eb;"><tr>` +
      `<td width="40%" style="padding:8px 16px;"><a href="https://shop.relance.example/p/${1000 + k}?utm_source=newsletter&amp;utm_campaign=may">` +
      `<img src="https://cdn.relance.example/products/${1000 + k}/400x400.jpg" alt="Product ${k + 1}" width="200" style="display:block;border-radius:8px;"></a></td>` +
      `<td width="60%" style="padding:8px 16px;font-size:15px;line-height:22px;color:#111827;"><strong>Oak chopping board no. ${k + 1}</strong><br>` +
      `Made in small batches by a workshop we visit every year; repairable, guaranteed ten years. ${(14.9 + k * 3.75).toFixed(2)} €<br>` +
      `<span class="btn" style="display:inline-block;background:#2563eb;border-radius:6px;padding:12px 22px;margin-top:8px;">` +
      `<a href="https://shop.relance.example/p/${1000 + k}?add=1&amp;utm_campaign=may">Add to cart</a></span></td></tr></table>\n`;
  }
  body += '<p style="font-size:12px;color:#6b7280;text-align:center;">Relance Store SAS · 12 rue des Artisans · 69002 Lyon</p></div></body></html>';
  return [head, body];
}

const [HTML_HEAD, HTML_BODY] = makeHtmlParts();
const TEXT =
  'Hello, here are this month’s picks.\n\n' +
  Array.from({ length: 20 }, (_, k) => `Oak chopping board no. ${k + 1}: ${(14.9 + k * 3.75).toFixed(2)} € https://shop.relance.example/p/${1000 + k}\n`).join('');

/** The message the e-mail activity builds (activities/email.activities.ts), for recipient `i`. */
function message(i: number, encoding: 'base64' | 'default'): Mail.Options {
  const id = `bench-${process.pid}-${i}`;
  return {
    from: FROM,
    to: `person${Math.abs(i)}@example.com`,
    subject: `Person ${Math.abs(i)}, our picks for May are in`,
    html: `${HTML_HEAD}Person ${Math.abs(i)}${HTML_BODY}`,
    text: TEXT,
    messageId: `<${id}@relance.localhost>`,
    headers: { 'X-Relance-Email-Id': id },
    ...(encoding === 'base64' ? { textEncoding: 'base64' as const } : {}),
  };
}

interface Measured {
  perSecond: number;
  /** E-mails sent, warm-up included (what the sink must have received). */
  sent: number;
  cpuMicrosPerMail: number;
  sinkCpuMicrosPerMail: number;
}

async function measure(
  transport: Transporter,
  sink: SmtpSink,
  options: { count: number; inFlight: number; warmup: number; encoding: 'base64' | 'default' },
): Promise<Measured> {
  // Warm-up opens the pool's connections and warms the code paths.
  await runConcurrent(options.warmup, options.inFlight, (i) => transport.sendMail(message(-1 - i, options.encoding)));
  const sinkBefore = await sink.count();
  const cpu = process.cpuUsage();
  const timing = await runConcurrent(options.count, options.inFlight, (i) => transport.sendMail(message(i, options.encoding)));
  const used = process.cpuUsage(cpu);
  const sinkAfter = await sink.count();
  return {
    perSecond: timing.perSecond,
    sent: options.count + options.warmup,
    cpuMicrosPerMail: (used.user + used.system) / options.count,
    sinkCpuMicrosPerMail: (sinkAfter.cpuMicros - sinkBefore.cpuMicros) / options.count,
  };
}

interface PooledConfig {
  poolSize: number;
  encoding: 'base64' | 'default';
}

async function measurePooled(sink: SmtpSink, config: PooledConfig, options: { count: number; inFlight: number }): Promise<Measured> {
  // The product's transport; only the rate limit is lifted (SMTP_RATE_PER_SECOND is a policy, 50/s by default).
  const transport = createMailTransport({ smtpUrl: sink.url, poolSize: config.poolSize, ratePerSecond: 1_000_000 });
  try {
    return await measure(transport, sink, { ...options, encoding: config.encoding, warmup: Math.min(100, config.poolSize * 10) });
  } finally {
    transport.close();
  }
}

async function measureUnpooled(sink: SmtpSink, options: { count: number; inFlight: number }): Promise<Measured> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    tls: { rejectUnauthorized: false },
  } satisfies SMTPTransport.Options);
  try {
    return await measure(transport, sink, { ...options, warmup: 2, encoding: 'base64' });
  } finally {
    transport.close();
  }
}

async function withSink<T>(
  mode: SinkMode,
  run: (sink: SmtpSink, sent: (count: number) => void) => Promise<T>,
  options: { delayMs?: number } = {},
): Promise<T> {
  const sink = await startSmtpSink(mode, options);
  let total = 0;
  try {
    const result = await run(sink, (count) => void (total += count));
    const { messages } = await sink.count();
    if (messages < total) throw new Error(`SMTP sink (${mode}) received ${messages} e-mails, ${total} were sent`);
    return result;
  } finally {
    await sink.stop();
  }
}

/** Best of the rounds (the least disturbed by other work on the machine), with the rest in the notes. */
interface Rounds {
  best: Measured;
  all: Measured[];
}

function spread(rounds: Rounds): string {
  const rates = rounds.all.map((m) => formatNumber(round(m.perSecond)));
  return `rounds ${rates.join(' / ')} e-mails/s; sender CPU ≈ ${formatNumber(round(rounds.best.cpuMicrosPerMail))} µs/e-mail, sink ≈ ${formatNumber(round(rounds.best.sinkCpuMicrosPerMail))} µs/e-mail`;
}

export async function benchSend(options: SendBenchOptions = {}): Promise<BenchFigure[]> {
  const pooledCount = options.pooled ?? countFromEnv('BENCH_SEND_POOLED', 3000);
  const unpooledCount = options.unpooled ?? countFromEnv('BENCH_SEND_UNPOOLED', 40);
  const variantCount = options.variant ?? countFromEnv('BENCH_SEND_VARIANT', 1500);
  const inFlight = options.inFlight ?? 100;
  const roundCount = 3;
  const size = Buffer.byteLength(message(0, 'base64').html as string);

  const product: PooledConfig = { poolSize: POOL_SIZE, encoding: 'base64' };
  const variants: { id: string; name: string; config: PooledConfig; against: string; tuning: string }[] = [
    ...[1, 2, 10].map((poolSize) => ({
      id: `send.pool-${poolSize}`,
      name: `send: pooled, ${poolSize} connection${poolSize === 1 ? '' : 's'}, base64`,
      config: { poolSize, encoding: 'base64' as const },
      against: `${POOL_SIZE} connections`,
      tuning: 'pool size',
    })),
    {
      id: 'send.quoted-printable',
      name: `send: pooled, ${POOL_SIZE} connections, nodemailer's default encoding (quoted-printable)`,
      config: { poolSize: POOL_SIZE, encoding: 'default' },
      against: 'base64 (product)',
      tuning: 'textEncoding',
    },
  ];

  const figures: BenchFigure[] = [];
  await withSink('drain', async (sink, sent) => {
    // Rounds interleave the configurations, so a burst of other work on the machine hits them alike.
    const results = new Map<string, Measured[]>();
    const record = (key: string, measured: Measured) => {
      sent(measured.sent);
      results.set(key, [...(results.get(key) ?? []), measured]);
    };
    for (let r = 0; r < roundCount; r++) {
      record('product', await measurePooled(sink, product, { count: Math.ceil(pooledCount / roundCount), inFlight }));
      for (const variant of variants) {
        record(variant.id, await measurePooled(sink, variant.config, { count: Math.ceil(variantCount / roundCount), inFlight }));
      }
    }
    // The same number of simultaneous connections as the pool has: only connection reuse differs.
    const unpooled = await measureUnpooled(sink, { count: unpooledCount, inFlight: POOL_SIZE });
    sent(unpooled.sent);

    const rounds = (key: string): Rounds => {
      const all = results.get(key) ?? [];
      const best = all.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      return { best, all };
    };
    const pooled = rounds('product');
    figures.push({
      id: 'send.pooled',
      name: `send: pooled transport, ${POOL_SIZE} connections, base64 (product)`,
      value: round(pooled.best.perSecond),
      unit: 'e-mails/s',
      baseline: { name: `new connection per e-mail, ${POOL_SIZE} in flight`, value: round(unpooled.perSecond) },
      ratio: ratioOf(pooled.best.perSecond, unpooled.perSecond),
      target: { op: '>=', value: 1000, on: 'value' },
      notes:
        `${formatNumber(pooledCount)} e-mails (best of ${roundCount} rounds) of ${formatNumber(round(size / 1024))} KB HTML + text, ` +
        `${inFlight} in flight, rate limit lifted; ${spread(pooled)}; baseline: ${formatNumber(unpooledCount)} e-mails`,
    });
    for (const variant of variants) {
      const measured = rounds(variant.id);
      figures.push({
        id: variant.id,
        name: variant.name,
        value: round(measured.best.perSecond),
        unit: 'e-mails/s',
        baseline: { name: variant.against, value: round(pooled.best.perSecond) },
        ratio: ratioOf(measured.best.perSecond, pooled.best.perSecond),
        notes: `tuning: ${variant.tuning}; ${spread(measured)}`,
      });
    }
  });

  // A relay a few milliseconds away: each connection then waits ≈ 3 × delay per e-mail, and the
  // pool size, not the CPU, sets the pace.
  const relayDelayMs = options.relayDelayMs ?? countFromEnv('BENCH_SEND_RELAY_DELAY_MS', 5);
  const relayCount = Math.max(100, Math.round(variantCount / 2));
  await withSink(
    'relay',
    async (sink, sent) => {
      const measured = new Map<number, Measured>();
      for (const poolSize of [POOL_SIZE, 20, 50]) {
        const result = await measurePooled(sink, { poolSize, encoding: 'base64' }, { count: relayCount, inFlight });
        sent(result.sent);
        measured.set(poolSize, result);
      }
      const reference = measured.get(POOL_SIZE);
      for (const [poolSize, result] of measured) {
        figures.push({
          id: `send.relay-${relayDelayMs}ms.pool-${poolSize}`,
          name: `send: pooled, ${poolSize} connections, relay answering in ${relayDelayMs} ms`,
          value: round(result.perSecond),
          unit: 'e-mails/s',
          ...(reference === undefined || poolSize === POOL_SIZE
            ? {}
            : { baseline: { name: `${POOL_SIZE} connections`, value: round(reference.perSecond) }, ratio: ratioOf(result.perSecond, reference.perSecond) }),
          notes:
            `tuning: pool size against a non-loopback round trip; ${formatNumber(relayCount)} e-mails; ` +
            `ceiling ≈ ${formatNumber(round((poolSize * 1000) / (3 * relayDelayMs)))} e-mails/s from waiting alone`,
        });
      }
    },
    { delayMs: relayDelayMs },
  );

  const catcherCount = Math.max(50, Math.round(variantCount / 5));
  const catcher = await withSink('catcher', async (sink, sent) => {
    const measured = await measurePooled(sink, product, { count: catcherCount, inFlight });
    sent(measured.sent);
    return measured;
  });
  const drain = figures[0];
  figures.push({
    id: 'send.into-catcher',
    name: `send: pooled, ${POOL_SIZE} connections, into scripts/local/smtp-catcher.ts (parses every e-mail)`,
    value: round(catcher.perSecond),
    unit: 'e-mails/s',
    ...(drain === undefined ? {} : { baseline: { name: 'draining sink', value: drain.value }, ratio: ratioOf(catcher.perSecond, drain.value) }),
    notes:
      `${formatNumber(catcherCount)} e-mails; catcher CPU ≈ ${formatNumber(round(catcher.sinkCpuMicrosPerMail))} µs/e-mail ` +
      `(sender ≈ ${formatNumber(round(catcher.cpuMicrosPerMail))}): the receiver is the limit`,
  });
  return figures;
}

export const sendSuite: BenchSuite = {
  name: 'send',
  description: 'SMTP over loopback: pooled createMailTransport vs a new connection per e-mail, with tuning variants',
  run: () => benchSend(),
};
