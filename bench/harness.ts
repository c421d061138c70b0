// The shared shape of `npm run bench`: one figure type, timing helpers, percentiles, peak-RSS
// sampling and the table printer. Benchmarks report; they never gate (see bench/run.ts).

export interface BenchTarget {
  op: '>=' | '<';
  value: number;
  /** Unit of the target when it differs from the figure's (e.g. '×' for a ratio target). */
  unit?: string;
  /** What the target applies to: the figure's value (default) or its ratio to the baseline. */
  on?: 'value' | 'ratio';
}

export interface BenchFigure {
  /** Stable key across runs, e.g. `render.compiled`; results files are compared on it. */
  id: string;
  name: string;
  value: number;
  unit: string;
  /** The slower way measured in the same run, in the figure's unit. */
  baseline?: { name: string; value: number };
  /** value / baseline.value. */
  ratio?: number;
  target?: BenchTarget;
  /** Set by `evaluateTarget` (bench/run.ts calls it on every figure). */
  met?: boolean;
  notes?: string;
}

export interface BenchSuite {
  name: string;
  description: string;
  run: () => Promise<BenchFigure[]>;
}

export function round(value: number, significant = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  // Integers stay integers: 1,234,567 events/s, not 1,230,000.
  if (magnitude >= significant - 1) return Math.round(value);
  const factor = 10 ** (significant - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

/** A count from the environment (e.g. BENCH_SEND_POOLED), else the default; anything but a positive integer is an error. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

export function ratioOf(value: number, baseline: number): number {
  return baseline === 0 ? Infinity : round(value / baseline, 3);
}

/** Sets and returns `met` (undefined when the figure has no target or no ratio to judge). */
export function evaluateTarget(figure: BenchFigure): boolean | undefined {
  const target = figure.target;
  if (target === undefined) return undefined;
  const measured = target.on === 'ratio' ? figure.ratio : figure.value;
  if (measured === undefined || Number.isNaN(measured)) return undefined;
  figure.met = target.op === '>=' ? measured >= target.value : measured < target.value;
  return figure.met;
}

// ---------------------------------------------------------------------------------------------
// Timing

export interface TimingResult {
  iterations: number;
  totalMs: number;
  perSecond: number;
  /** Per-iteration durations in ms, when asked for (costs one performance.now() per iteration). */
  samplesMs?: number[];
}

type MaybeAsync = () => unknown;

async function call(fn: MaybeAsync): Promise<void> {
  const result = fn();
  if (result !== null && typeof result === 'object' && 'then' in result) await result;
}

/** Runs `fn` `warmup` times untimed, then `iterations` times timed, one after another. */
export async function timeIterations(
  fn: (iteration: number) => unknown,
  options: { iterations: number; warmup?: number; samples?: boolean },
): Promise<TimingResult> {
  const warmup = options.warmup ?? Math.min(100, Math.ceil(options.iterations / 10));
  for (let i = 0; i < warmup; i++) await call(() => fn(-1 - i));
  const samples: number[] | undefined = options.samples === true ? new Array<number>(options.iterations) : undefined;
  const started = performance.now();
  for (let i = 0; i < options.iterations; i++) {
    if (samples === undefined) {
      await call(() => fn(i));
    } else {
      const t = performance.now();
      await call(() => fn(i));
      samples[i] = performance.now() - t;
    }
  }
  const totalMs = performance.now() - started;
  return { iterations: options.iterations, totalMs, perSecond: options.iterations / (totalMs / 1000), samplesMs: samples };
}

/**
 * Runs `fn(0 … count-1)` with at most `concurrency` calls in flight, as a worker with a bounded
 * number of concurrent activities would. Resolves with the elapsed wall-clock time.
 */
export async function runConcurrent(count: number, concurrency: number, fn: (index: number) => Promise<unknown>): Promise<TimingResult> {
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  const totalMs = performance.now() - started;
  return { iterations: count, totalMs, perSecond: count / (totalMs / 1000) };
}

/** Nearest-rank percentiles (p in 0–100) of unsorted samples. */
export function percentiles(samples: readonly number[], ps: readonly number[] = [50, 95, 99]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const result: Record<string, number> = {};
  for (const p of ps) {
    if (sorted.length === 0) {
      result[`p${p}`] = NaN;
      continue;
    }
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    result[`p${p}`] = sorted[rank] ?? NaN;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Memory

export interface RssSampler {
  /** Highest RSS seen so far, in bytes. */
  peak(): number;
  /** Stops sampling (one last sample first) and returns the peak in bytes. */
  stop(): number;
}

/** Samples process.memoryUsage().rss every `intervalMs` (unref'd: it never keeps the process alive). */
export function startRssSampler(intervalMs = 25): RssSampler {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

export function megabytes(bytes: number): number {
  return round(bytes / (1024 * 1024), 3);
}

// ---------------------------------------------------------------------------------------------
// Printing

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 3 });
}

function formatTarget(figure: BenchFigure): string {
  const target = figure.target;
  if (target === undefined) return '';
  const unit = target.unit ?? (target.on === 'ratio' ? '×' : figure.unit);
  const subject = target.on === 'ratio' ? 'ratio ' : '';
  return unit === '×' ? `${subject}${target.op} ${formatNumber(target.value)}×` : `${subject}${target.op} ${formatNumber(target.value)} ${unit}`;
}

/** A Markdown pipe table, aligned for the terminal, pastable into docs/BENCHMARKS.md as is. */
export function formatTable(figures: readonly BenchFigure[]): string {
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met?'];
  const rows = figures.map((f) => [
    f.name,
    `${formatNumber(f.value)} ${f.unit}`,
    f.baseline === undefined ? '' : `${formatNumber(f.baseline.value)} ${f.unit} (${f.baseline.name})`,
    f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`,
    formatTarget(f),
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => (row[column] ?? '').length)));
  const numeric = new Set([1, 3]);
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (numeric.has(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  const [head, ...body] = cells;
  return [line(head ?? header), rule, ...body.map(line)].join('\n');
}
