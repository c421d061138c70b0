// Throughput of the pure engagement scorer: events per second through the compiled incremental
// scorer (`scoreEvent`) over 100,000 contacts, against a naive scorer in the same run — the
// uncompiled model interpreted per event (every rule checked, paths split, operators switched,
// cap periods keyed by date strings) — so the ratio shows what compiling buys.
//
//   npx tsx bench/scoring.bench.ts                 # prints a table
//   BENCH_SCORING_EVENTS=5000000 npx tsx bench/scoring.bench.ts
//
// It also runs the compiled scorer on two worker threads (contacts split between them, as two
// ingestion consumers partitioned by contact would), for the "2 cores" figure.

import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  compileScoringModel,
  createScoringState,
  defaultScoringModel,
  scoreEvent,
} from '../domain/scoring/index.js';
import type { Contribution, ScoringEvent, ScoringModel, ScoringState } from '../domain/scoring/index.js';

export interface BenchFigure {
  /** Stable key across runs (bench/run.ts compares results on it). */
  id?: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string };
  ratio?: number;
  target?: { op: '>=' | '<'; value: number; unit?: string; on?: 'value' | 'ratio' };
  notes?: string;
}

interface Workload {
  events: ScoringEvent[];
  contactOf: Int32Array;
  contacts: number;
}

// mulberry32: a seeded generator, so every run scores the same workload.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START_MS = Date.parse('2025-01-01T00:00:00.000Z');
const SPAN_MS = 90 * 86_400_000;

/**
 * A realistic mix: 70 % page views (pricing, product, quote, careers and ordinary pages), then
 * e-mail opens and clicks, forms, carts, shares, quote requests, store visits and a few event
 * types no rule scores. Activity per contact is skewed (a few very active contacts hit caps), and
 * events come in time order, as an ingestion stream delivers them.
 */
function makeWorkload(eventCount: number, contacts: number, seed: number): Workload {
  const rnd = random(seed);
  const pagePaths = [
    '/', '/blog/marketing-automation', '/blog/lead-scoring', '/docs/getting-started', '/about', '/contact',
    '/pricing', '/pricing/enterprise', '/product/journeys', '/product/scoring', '/quote', '/careers/engineer',
  ];
  const pageWeights = [14, 10, 10, 8, 5, 5, 10, 5, 8, 7, 5, 3];
  const pageProps: Record<string, unknown>[] = [];
  for (let i = 0; i < 2048; i++) {
    let pick = rnd() * 90;
    let p = 0;
    while (p < pageWeights.length - 1 && pick >= (pageWeights[p] ?? 0)) pick -= pageWeights[p++] ?? 0;
    pageProps.push({
      path: pagePaths[p],
      title: `Page ${p}`,
      durationSeconds: Math.floor(rnd() * rnd() * 300),
      referrer: rnd() < 0.5 ? 'https://www.google.com/' : null,
      utm: { source: rnd() < 0.3 ? 'newsletter' : 'organic', campaign: 'spring' },
    });
  }
  const forms = ['contact', 'guide', 'newsletter', 'webinar', 'Whitepaper'];
  const other: [string, () => Record<string, unknown>, number][] = [
    ['email_opened', () => ({ messageId: `m${Math.floor(rnd() * 1e6)}`, campaign: 'spring' }), 10],
    ['email_clicked', () => ({ messageId: `m${Math.floor(rnd() * 1e6)}`, url: 'https://example.com/pricing' }), 6],
    ['form_submitted', () => ({ form: forms[Math.floor(rnd() * forms.length)] }), 5],
    ['cart_updated', () => ({ cartId: `c${Math.floor(rnd() * 1e5)}`, value: Math.round(rnd() * 500) }), 4],
    ['content_shared', () => ({ network: 'linkedin' }), 2],
    ['quote_requested', () => ({ product: 'journeys' }), 1],
    ['store_visited', () => ({ storeId: 's1' }), 1],
    ['session_started', () => ({ device: 'desktop' }), 1],
  ];
  const otherProps = other.map(([type, make]) => ({ type, pool: Array.from({ length: 256 }, make) }));

  const events: ScoringEvent[] = new Array<ScoringEvent>(eventCount);
  const contactOf = new Int32Array(eventCount);
  for (let i = 0; i < eventCount; i++) {
    const at = new Date(START_MS + Math.floor((i * SPAN_MS) / eventCount)).toISOString();
    const r = rnd();
    let type = 'page_viewed';
    let properties: Record<string, unknown> = pageProps[Math.floor(rnd() * pageProps.length)] ?? {};
    if (r >= 0.7) {
      let pick = (r - 0.7) * 100;
      for (let k = 0; k < other.length; k++) {
        const weight = other[k]?.[2] ?? 0;
        if (pick < weight || k === other.length - 1) {
          const chosen = otherProps[k];
          if (chosen !== undefined) {
            type = chosen.type;
            properties = chosen.pool[Math.floor(rnd() * chosen.pool.length)] ?? {};
          }
          break;
        }
        pick -= weight;
      }
    }
    events[i] = { id: `ev-${seed}-${i}`, type, occurredAt: at, properties };
    // Skewed activity: r³ puts many events on few contacts.
    const u = rnd();
    contactOf[i] = Math.min(contacts - 1, Math.floor(u * u * u * contacts));
  }
  return { events, contactOf, contacts };
}

interface RunResult {
  /** Wall-clock milliseconds of the timed loop. */
  ms: number;
  /** CPU milliseconds of the process during the loop (this thread plus the GC's helpers). */
  cpuMs: number;
  points: number;
  lines: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function runCompiled(work: Workload, model: ScoringModel): RunResult {
  const compiled = compileScoringModel(model);
  const states: ScoringState[] = new Array<ScoringState>(work.contacts);
  for (let c = 0; c < work.contacts; c++) states[c] = createScoringState(compiled);
  // The ledger lines go to one reused array, emptied now and then: the ingestion path hands them
  // on in batches too, and emptying it per event would measure array reallocation instead.
  const sink: Contribution[] = [];
  let points = 0;
  let lines = 0;
  const { events, contactOf } = work;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < events.length; i++) {
    scoreEvent(states[contactOf[i] ?? 0] as ScoringState, events[i] as ScoringEvent, compiled, sink);
    if (sink.length >= 4096) {
      for (let k = 0; k < sink.length; k++) points += (sink[k] as Contribution).points;
      lines += sink.length;
      sink.length = 0;
    }
  }
  for (let k = 0; k < sink.length; k++) points += (sink[k] as Contribution).points;
  lines += sink.length;
  return { ms: performance.now() - started, cpuMs: cpuMsSince(cpu), points, lines };
}

// ---- The naive scorer: what the first version would look like, kept only as a yardstick. ----

function naiveGet(properties: Record<string, unknown>, path: string): unknown {
  let value: unknown = properties;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function naiveEquals(actual: unknown, expected: unknown, ignoreCase: boolean): boolean {
  if (ignoreCase && typeof actual === 'string' && typeof expected === 'string') {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return actual === expected;
}

function naiveTest(actual: unknown, op: string, expected: unknown, ignoreCase: boolean): boolean {
  switch (op) {
    case 'eq':
      return naiveEquals(actual, expected, ignoreCase);
    case 'neq':
      return !naiveEquals(actual, expected, ignoreCase);
    case 'in':
      return Array.isArray(expected) && expected.some((e) => naiveEquals(actual, e, ignoreCase));
    case 'contains':
      if (typeof actual === 'string' && typeof expected === 'string') {
        return ignoreCase ? actual.toLowerCase().includes(expected.toLowerCase()) : actual.includes(expected);
      }
      return Array.isArray(actual) && actual.some((e) => naiveEquals(e, expected, ignoreCase));
    case 'startsWith':
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      return ignoreCase ? actual.toLowerCase().startsWith(expected.toLowerCase()) : actual.startsWith(expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = typeof expected === 'number' ? Number(actual === '' || actual === null ? NaN : actual) : actual;
      if (typeof expected === 'number' && typeof actual !== 'number' && typeof actual !== 'string') return false;
      if (typeof expected === 'string' && typeof actual !== 'string') return false;
      const x = a as number | string;
      const y = expected as number | string;
      return op === 'gt' ? x > y : op === 'gte' ? x >= y : op === 'lt' ? x < y : x <= y;
    }
    case 'exists':
      return expected === false ? actual === undefined || actual === null : actual !== undefined && actual !== null;
    default:
      return false;
  }
}

function naivePeriodKey(at: Date, per: ScoringModel['engagement']['rules'][number]['cap']): string {
  if (per === undefined) return '';
  const iso = at.toISOString();
  const p = per.per;
  if (typeof p === 'object') return `d${Math.floor(at.getTime() / (p.days * 86_400_000))}`;
  switch (p) {
    case 'hour':
      return iso.slice(0, 13);
    case 'day':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
    case 'week': {
      const monday = new Date(at.getTime() - ((at.getUTCDay() + 6) % 7) * 86_400_000);
      return `w${monday.toISOString().slice(0, 10)}`;
    }
  }
}

interface NaivePeriod {
  key: string;
  used: number;
}

function naiveScoreEvent(periods: Map<string, NaivePeriod>, event: ScoringEvent, model: ScoringModel): Contribution[] {
  const out: Contribution[] = [];
  const at = new Date(event.occurredAt);
  for (const rule of model.engagement.rules) {
    if (rule.event !== event.type) continue;
    const where = rule.where ?? [];
    if (!where.every((f) => naiveTest(naiveGet(event.properties, f.property), f.op, f.value, f.ignoreCase === true))) continue;
    let points = rule.points;
    let reason = rule.description ?? rule.event;
    if (rule.cap !== undefined) {
      const key = naivePeriodKey(at, rule.cap);
      let period = periods.get(rule.id);
      if (period === undefined || period.key !== key) {
        period = { key, used: 0 };
        periods.set(rule.id, period);
      }
      const room = rule.cap.points - period.used;
      if (room <= 1e-9) continue;
      const granted = Math.min(Math.abs(points), room);
      period.used += granted;
      if (granted !== Math.abs(points)) {
        points = (Math.sign(points) * Math.round(granted * 1e6)) / 1e6;
        reason = `${reason} (capped)`;
      }
    }
    out.push({ eventId: event.id, ruleId: rule.id, points, occurredAt: event.occurredAt, reason });
  }
  return out;
}

function runNaive(work: Workload, model: ScoringModel): RunResult {
  const states: Map<string, NaivePeriod>[] = Array.from({ length: work.contacts }, () => new Map<string, NaivePeriod>());
  let points = 0;
  let lines = 0;
  const { events, contactOf } = work;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < events.length; i++) {
    const out = naiveScoreEvent(states[contactOf[i] ?? 0] as Map<string, NaivePeriod>, events[i] as ScoringEvent, model);
    for (const c of out) points += c.points;
    lines += out.length;
  }
  return { ms: performance.now() - started, cpuMs: cpuMsSince(cpu), points, lines };
}

// ---- Worker threads, each scoring its own share of the contacts. ----

interface WorkerInput {
  scoringBenchWorker: true;
  events: number;
  contacts: number;
  seed: number;
}

function isWorkerInput(value: unknown): value is WorkerInput {
  return typeof value === 'object' && value !== null && (value as { scoringBenchWorker?: unknown }).scoringBenchWorker === true;
}

function runWorkerSide(input: WorkerInput): void {
  const port = parentPort;
  if (port === null) return;
  const work = makeWorkload(input.events, input.contacts, input.seed);
  runCompiled(makeWorkload(Math.min(200_000, input.events), input.contacts, input.seed + 1000), defaultScoringModel);
  port.once('message', () => {
    port.postMessage(runCompiled(work, defaultScoringModel));
  });
  port.postMessage('ready');
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Events/s of `threads` workers started together, each over its own share of events and contacts. */
async function runOnWorkers(totalEvents: number, contacts: number, threads: number): Promise<{ rate: number; cpuMs: number }> {
  // Worker threads do not inherit tsx's loader hooks: a small bootstrap registers them, then loads
  // this file, whose worker side builds its workload and waits for the start signal.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const perThread = Math.floor(totalEvents / threads);
  const workers = Array.from(
    { length: threads },
    (_, k) =>
      new Worker(bootstrap, {
        eval: true,
        workerData: { scoringBenchWorker: true, events: perThread, contacts: Math.floor(contacts / threads), seed: 100 + k } satisfies WorkerInput,
      }),
  );
  try {
    await Promise.all(workers.map(nextMessage));
    const started = performance.now();
    const results = await Promise.all(
      workers.map((worker) => {
        const done = nextMessage(worker);
        worker.postMessage('go');
        return done;
      }),
    );
    const elapsed = performance.now() - started;
    // process.cpuUsage() is per process: each worker's figure holds the others' CPU too, so take one.
    const cpuMs = Math.max(...results.map((r) => (r as RunResult).cpuMs));
    return { rate: (perThread * threads) / (elapsed / 1000), cpuMs };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export interface BenchScoringOptions {
  events?: number;
  contacts?: number;
  /** Best of this many timed passes. */
  runs?: number;
  /** Also measure on worker threads (default: 2 when the machine has them). */
  threads?: number;
}

export async function benchScoring(options: BenchScoringOptions = {}): Promise<BenchFigure[]> {
  const eventCount = options.events ?? Number(process.env['BENCH_SCORING_EVENTS'] ?? 2_000_000);
  const contacts = options.contacts ?? 100_000;
  const runs = options.runs ?? 3;
  const threads = options.threads ?? Math.min(2, availableParallelism());
  const model = defaultScoringModel;

  const warm = makeWorkload(200_000, contacts, 7);
  runCompiled(warm, model);
  runNaive(warm, model);

  const work = makeWorkload(eventCount, contacts, 42);
  // The naive scorer runs once (it is the slow one); the compiled one, best of `runs`.
  const naive = runNaive(work, model);
  let compiled: RunResult | undefined;
  for (let r = 0; r < runs; r++) {
    const c = runCompiled(work, model);
    // Same ledger totals, or the comparison means nothing.
    if (Math.abs(c.points - naive.points) > 1e-6 || c.lines !== naive.lines) {
      throw new Error(`scorers disagree: compiled ${c.points}/${c.lines}, naive ${naive.points}/${naive.lines}`);
    }
    if (compiled === undefined || c.ms < compiled.ms) compiled = c;
  }
  if (compiled === undefined) throw new Error('runs must be at least 1');
  const perSecond = (ms: number) => Math.round(eventCount / (ms / 1000));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const figures: BenchFigure[] = [
    {
      id: 'scoring.compiled-1-thread',
      name: `scoring: compiled incremental scorer, 1 thread, ${contacts.toLocaleString('en')} contacts`,
      value: perSecond(compiled.ms),
      unit: 'events/s',
      baseline: { name: 'naive: uncompiled model, every rule interpreted per event', value: perSecond(naive.ms), unit: 'events/s' },
      ratio: Math.round((naive.ms / compiled.ms) * 100) / 100,
      notes:
        `best of ${runs} (naive: 1 run) over ${eventCount.toLocaleString('en')} events, ${compiled.lines.toLocaleString('en')} ledger lines; ` +
        `per CPU-second ${perSecond(compiled.cpuMs).toLocaleString('en')} (naive ${perSecond(naive.cpuMs).toLocaleString('en')}); load average ${load}`,
    },
  ];
  if (threads > 1) {
    const parallel = await runOnWorkers(eventCount, contacts, threads);
    figures.push({
      id: `scoring.compiled-${threads}-threads`,
      name: `scoring: compiled incremental scorer, ${threads} threads, contacts split between them`,
      value: Math.round(parallel.rate),
      unit: 'events/s',
      baseline: { name: 'same scorer, 1 thread', value: perSecond(compiled.ms), unit: 'events/s' },
      ratio: Math.round((parallel.rate / perSecond(compiled.ms)) * 100) / 100,
      target: { op: '>=', value: 2_000_000, unit: 'events/s' },
      notes: `per CPU-second (all threads) ${perSecond(parallel.cpuMs).toLocaleString('en')}; load average ${load}`,
    });
  }
  return figures;
}

function printTable(figures: readonly BenchFigure[]): void {
  const rows = figures.map((f) => ({
    benchmark: f.name,
    value: `${f.value.toLocaleString('en')} ${f.unit}`,
    baseline: f.baseline ? `${f.baseline.value.toLocaleString('en')} ${f.baseline.unit} (${f.baseline.name})` : '',
    ratio: f.ratio === undefined ? '' : `×${f.ratio}`,
  }));
  console.table(rows);
  for (const f of figures) if (f.notes !== undefined) console.log(`${f.id ?? f.name}: ${f.notes}`);
}

if (!isMainThread && isWorkerInput(workerData)) {
  runWorkerSide(workerData);
} else if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchScoring();
  printTable(figures);
}
