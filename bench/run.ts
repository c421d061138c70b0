// `npm run bench` — runs the benchmark suites, prints one table of figures with their baselines
// measured in the same run, and writes bench/results/<timestamp>.json and bench/results/latest.json.
//
//   npm run bench                  # every suite
//   npm run bench -- render send   # only these
//   npm run bench -- --list        # the suites there are (bench/*.bench.ts are discovered)
//
// Benchmarks report; they do not gate. A missed target is printed and recorded, and the exit code
// stays 0. Only a suite that crashes makes the run exit non-zero (1; 2 for a usage error).

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, type BenchSuite, type BenchTarget, evaluateTarget, formatTable, megabytes, ratioOf, startRssSampler } from './harness.js';
import { renderSuite } from './render.bench.js';
import { sendSuite } from './send.bench.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

// ---------------------------------------------------------------------------------------------
// Other suites are discovered: every bench/<name>.bench.ts besides render and send is imported, and
// what it exports is used: a BenchSuite ({ name, description?, run }) or, failing that, a
// `bench…()` function returning figures (e.g. benchScoring() in bench/scoring.bench.ts). Their
// figures are checked and adapted to BenchFigure, so work written separately plugs in.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function adaptTarget(value: unknown): BenchTarget | undefined {
  if (!isRecord(value) || (value['op'] !== '>=' && value['op'] !== '<') || typeof value['value'] !== 'number') return undefined;
  return {
    op: value['op'],
    value: value['value'],
    ...(typeof value['unit'] === 'string' ? { unit: value['unit'] } : {}),
    ...(value['on'] === 'ratio' || value['on'] === 'value' ? { on: value['on'] } : {}),
  };
}

/** Checks a suite's figures: BenchFigure, or the looser { name, value, unit, baseline?: { name, value, unit? }, ratio? }. */
export function adaptFigures(prefix: string, raw: unknown): BenchFigure[] {
  if (!Array.isArray(raw)) throw new Error(`${prefix}: expected an array of figures, got ${typeof raw}`);
  const seen = new Set<string>();
  return raw.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry['name'] !== 'string' || typeof entry['value'] !== 'number' || typeof entry['unit'] !== 'string') {
      throw new Error(`${prefix}: figure ${index} lacks a name, a numeric value or a unit`);
    }
    const unit = entry['unit'];
    let id = typeof entry['id'] === 'string' ? entry['id'] : `${prefix}.${slug(entry['name'].replace(new RegExp(`^${prefix}:\\s*`, 'i'), ''))}`;
    while (seen.has(id)) id = `${id}-${index}`;
    seen.add(id);
    const figure: BenchFigure = { id, name: entry['name'], value: entry['value'], unit };
    const baseline = entry['baseline'];
    if (isRecord(baseline) && typeof baseline['name'] === 'string' && typeof baseline['value'] === 'number') {
      const otherUnit = typeof baseline['unit'] === 'string' && baseline['unit'] !== unit ? ` [${baseline['unit']}]` : '';
      figure.baseline = { name: `${baseline['name']}${otherUnit}`, value: baseline['value'] };
      figure.ratio = typeof entry['ratio'] === 'number' ? entry['ratio'] : ratioOf(figure.value, baseline['value']);
    } else if (typeof entry['ratio'] === 'number') {
      figure.ratio = entry['ratio'];
    }
    const target = adaptTarget(entry['target']);
    if (target !== undefined) figure.target = target;
    if (typeof entry['notes'] === 'string') figure.notes = entry['notes'];
    return figure;
  });
}

const BUILT_IN = new Set(['render', 'send']);

function isSuite(value: unknown): value is { name: string; description?: unknown; run: () => Promise<unknown> } {
  return isRecord(value) && typeof value['name'] === 'string' && typeof value['run'] === 'function';
}

function suiteFromModule(stem: string, module: unknown): BenchSuite {
  const exported = isRecord(module) ? Object.values(module) : [];
  const suite = exported.find(isSuite);
  if (suite !== undefined) {
    return {
      name: suite.name,
      description: typeof suite.description === 'string' ? suite.description : `bench/${stem}.bench.ts`,
      run: async () => adaptFigures(suite.name, await suite.run()),
    };
  }
  const entries = isRecord(module) ? Object.entries(module) : [];
  const bench = entries.find(([key, value]) => /^bench[A-Z]/.test(key) && typeof value === 'function');
  if (bench === undefined) throw new Error(`bench/${stem}.bench.ts exports neither a BenchSuite nor a bench…() function`);
  const run = bench[1] as () => Promise<unknown>;
  return { name: stem, description: `bench/${stem}.bench.ts (${bench[0]}())`, run: async () => adaptFigures(stem, await run()) };
}

async function discoverSuites(): Promise<BenchSuite[]> {
  const stems = [
    ...new Set(
      readdirSync(BENCH_DIR)
        .map((file) => /^([a-z0-9][a-z0-9-]*)\.bench\.(?:ts|js)$/.exec(file)?.[1])
        .filter((stem): stem is string => stem !== undefined && !BUILT_IN.has(stem)),
    ),
  ].sort();
  const suites: BenchSuite[] = [];
  for (const stem of stems) {
    try {
      // A variable specifier: these files are optional, the type checker must not require them.
      const specifier = `./${stem}.bench.js`;
      suites.push(suiteFromModule(stem, await import(specifier)));
    } catch (error) {
      // A suite that cannot even load still shows up, and crashes when it is run.
      suites.push({ name: stem, description: `bench/${stem}.bench.ts (failed to load)`, run: () => Promise.reject(error) });
    }
  }
  return suites;
}

// ---------------------------------------------------------------------------------------------

interface SuiteResult {
  name: string;
  ok: boolean;
  durationMs: number;
  peakRssBytes: number;
  figures: number;
  error?: string;
}

function machine() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length, availableParallelism: os.availableParallelism() },
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

function gitDescription(): { commit: string; dirty: boolean } | undefined {
  try {
    const options = { cwd: BENCH_DIR, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[] };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], options).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], options).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

function usage(suites: readonly BenchSuite[]): string {
  return [
    'usage: npm run bench [-- SUITE ...]',
    '',
    'suites:',
    ...suites.map((suite) => `  ${suite.name.padEnd(10)} ${suite.description}`),
    '',
    'Prints the figures and writes bench/results/<timestamp>.json and bench/results/latest.json.',
  ].join('\n');
}

async function main(): Promise<number> {
  const suites: BenchSuite[] = [renderSuite, sendSuite];
  for (const suite of await discoverSuites()) {
    if (!suites.some((known) => known.name === suite.name)) suites.push(suite);
  }
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    console.log(usage(suites));
    return 0;
  }
  const unknown = args.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    console.error(`unknown suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n\n${usage(suites)}`);
    return 2;
  }
  const selected = args.length === 0 ? suites : suites.filter((suite) => args.includes(suite.name));

  const startedAt = new Date();
  const host = machine();
  console.log(
    `Relance benchmarks: ${selected.map((suite) => suite.name).join(', ')}\n` +
      `machine: ${host.cpu.count} × ${host.cpu.model}, ${megabytes(host.totalMemoryBytes)} MB, ${host.os}, Node ${host.node}`,
  );
  if ((host.loadAverage[0] ?? 0) > host.cpu.count / 2) {
    console.log(`note: load average ${host.loadAverage.join(' ')} on ${host.cpu.count} cores at start; other work competes with the figures`);
  }

  const figures: BenchFigure[] = [];
  const results: SuiteResult[] = [];
  for (const suite of selected) {
    process.stdout.write(`\n▶ ${suite.name}: ${suite.description}\n`);
    const rss = startRssSampler(20);
    const started = performance.now();
    try {
      const produced = await suite.run();
      for (const figure of produced) evaluateTarget(figure);
      figures.push(...produced);
      const durationMs = performance.now() - started;
      results.push({ name: suite.name, ok: true, durationMs, peakRssBytes: rss.stop(), figures: produced.length });
      console.log(`  ${produced.length} figure(s) in ${(durationMs / 1000).toFixed(1)} s, peak RSS ${megabytes(rss.peak())} MB`);
    } catch (error) {
      const durationMs = performance.now() - started;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: suite.name, ok: false, durationMs, peakRssBytes: rss.stop(), figures: 0, error: message });
      console.error(`  ✗ suite ${suite.name} crashed after ${(durationMs / 1000).toFixed(1)} s:\n${message}`);
    }
  }

  console.log(`\n${formatTable(figures)}\n`);
  const withNotes = figures.filter((figure) => figure.notes !== undefined);
  if (withNotes.length > 0) console.log(withNotes.map((figure) => `- ${figure.id}: ${figure.notes}`).join('\n'));
  const missed = figures.filter((figure) => figure.met === false);
  if (missed.length > 0) {
    console.log(`\ntarget${missed.length > 1 ? 's' : ''} missed (reported, not gating): ${missed.map((figure) => figure.id).join(', ')}`);
  }

  const finishedAt = new Date();
  const record = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    argv: args,
    machine: { ...host, loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100) },
    git: gitDescription(),
    suites: results,
    figures,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(record, null, 2)}\n`;
  // Colons are not portable in file names: 2026-11-23T15-49-17.123Z.json.
  const file = path.join(RESULTS_DIR, `${startedAt.toISOString().replaceAll(':', '-')}.json`);
  await writeFile(file, json);
  await writeFile(path.join(RESULTS_DIR, 'latest.json'), json);
  console.log(`\nresults: ${path.relative(process.cwd(), file)} (and bench/results/latest.json)`);

  const crashed = results.filter((result) => !result.ok);
  if (crashed.length > 0) console.error(`suite${crashed.length > 1 ? 's' : ''} crashed: ${crashed.map((result) => result.name).join(', ')}`);
  return crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
