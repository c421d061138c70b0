// Rendering throughput of a realistic newsletter (bench/fixtures/newsletter.mjml: header, hero,
// four product cards in a Liquid loop, promotion, two columns, social, footer partial).
//
//   product path: TemplateRenderer compiles MJML → HTML once and the Liquid in it to JavaScript
//                 functions (templates/liquid-compiler.ts); per recipient only those run (subject,
//                 HTML and text part), as activities/email.activities.ts does.
//   baseline:     the naive path: per recipient, Liquid over the MJML source, then a full MJML
//                 render and the HTML → text conversion (same options as the renderer).
//
//   npx tsx bench/run.ts render

import { copyFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { convert as htmlToText } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import mjml2html from 'mjml';
import { createEmailLiquid, TEMPLATES_DIR, TemplateRenderer } from '../templates/renderer.js';
import { NEWSLETTER_FIXTURE, recipient } from '../test/support/newsletter-fixture.js';
import { type BenchFigure, type BenchSuite, countFromEnv, formatNumber, percentiles, ratioOf, round, timeIterations } from './harness.js';

const TEMPLATE = 'newsletter';

export interface RenderBenchOptions {
  /** Recipients rendered through the product path (each one distinct). */
  recipients?: number;
  /** Recipients rendered through the naive path (a full MJML render each). */
  naiveRecipients?: number;
}

/** The templates folder the renderer reads: the fixture plus the project's partials. */
async function makeTemplatesDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'relance-bench-render-'));
  await copyFile(NEWSLETTER_FIXTURE, path.join(dir, `${TEMPLATE}.mjml`));
  await cp(path.join(TEMPLATES_DIR, 'partials'), path.join(dir, 'partials'), { recursive: true });
  return dir;
}

/** The path the renderer avoids: Liquid over the MJML source, then MJML and html-to-text, per e-mail. */
async function makeNaiveRenderer(dir: string): Promise<(data: Record<string, unknown>) => Promise<{ subject: string; html: string; text: string }>> {
  const filePath = path.join(dir, `${TEMPLATE}.mjml`);
  const source = await readFile(filePath, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (match === null) throw new Error('fixture has no front matter');
  const subjectLine = /^subject:(.*)$/m.exec(match[1] ?? '')?.[1]?.trim();
  if (subjectLine === undefined) throw new Error('fixture has no subject');
  const htmlLiquid = new Liquid({ outputEscape: 'escape', cache: true });
  const textLiquid = new Liquid({ cache: true });
  // Parsing the Liquid once is granted to the naive path too: what it repeats is MJML.
  const body: Template[] = htmlLiquid.parse(source.slice(match[0].length));
  const subject: Template[] = textLiquid.parse(subjectLine);
  const options = { validationLevel: 'strict', filePath, fonts: {}, keepComments: false, ignoreIncludes: false, includePath: dir };
  return async (data) => {
    const mjml = await htmlLiquid.render(body, data);
    const result = await mjml2html(mjml, options as Parameters<typeof mjml2html>[1]);
    if (result.errors.length > 0) throw new Error(`naive render: ${result.errors[0]?.message ?? 'MJML error'}`);
    const text = htmlToText(result.html, {
      wordwrap: 78,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    });
    return { subject: (await textLiquid.render(subject, data)).trim(), html: result.html, text };
  };
}

const escapeHtml = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Both paths must produce the same personalised e-mail, or comparing their speed means nothing. */
function checkSame(label: string, data: Record<string, unknown>, email: { subject: string; html: string; text: string }, other: { subject: string; html: string }): void {
  const contact = data['contact'] as { firstName: string; id: string };
  const items = data['items'] as { name: string }[];
  const problems: string[] = [];
  if (email.subject !== other.subject) problems.push(`subject ${JSON.stringify(email.subject)} ≠ ${JSON.stringify(other.subject)}`);
  for (const needle of [contact.firstName, contact.id, ...items.map((item) => escapeHtml(item.name))]) {
    if (!email.html.includes(needle)) problems.push(`HTML lacks ${needle}`);
    if (!other.html.includes(needle)) problems.push(`naive HTML lacks ${needle}`);
  }
  if (email.html.includes('{{') || email.html.includes('{%')) problems.push('HTML still holds Liquid');
  if (!email.text.includes(items[0]?.name ?? '?')) problems.push('text part lacks the first product');
  if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}`);
}

export async function benchRender(options: RenderBenchOptions = {}): Promise<BenchFigure[]> {
  const recipients = options.recipients ?? countFromEnv('BENCH_RENDER_RECIPIENTS', 5000);
  const naiveRecipients = options.naiveRecipients ?? countFromEnv('BENCH_RENDER_NAIVE_RECIPIENTS', 40);
  const dir = await makeTemplatesDir();
  try {
    const renderer = new TemplateRenderer(dir);
    const compileStarted = performance.now();
    const compiled = await renderer.compile(TEMPLATE);
    const compileMs = performance.now() - compileStarted;

    const naive = await makeNaiveRenderer(dir);
    const sample = recipient(0);
    const email = await renderer.render(TEMPLATE, sample);
    checkSame('compiled vs naive', sample, email, await naive(sample));

    // Product path: distinct recipients, one after another, as one activity slot renders them.
    let bytes = 0;
    const fast = await timeIterations(
      async (i) => {
        const rendered = await renderer.render(TEMPLATE, recipient(i));
        if (i >= 0) bytes += rendered.html.length; // warm-up iterations are negative
      },
      { iterations: recipients, warmup: 300, samples: true },
    );
    const fastLatency = percentiles(fast.samplesMs ?? []);

    const slow = await timeIterations((i) => naive(recipient(i)), { iterations: naiveRecipients, warmup: 3, samples: true });
    const slowLatency = percentiles(slow.samplesMs ?? []);

    const figures: BenchFigure[] = [
      {
        id: 'render.compiled',
        name: 'render: newsletter, compiled once, Liquid per recipient',
        value: round(fast.perSecond),
        unit: 'e-mails/s',
        baseline: { name: 'full MJML render per recipient', value: round(slow.perSecond, 3) },
        ratio: ratioOf(fast.perSecond, slow.perSecond),
        target: { op: '>=', value: 500, unit: '×', on: 'ratio' },
        notes:
          `${formatNumber(recipients)} distinct recipients, 1 thread; HTML ≈ ${formatNumber(round(bytes / recipients / 1024))} KB; ` +
          `p50 ${round(fastLatency['p50'] ?? NaN)} ms, p99 ${round(fastLatency['p99'] ?? NaN)} ms per e-mail ` +
          `(naive: ${formatNumber(naiveRecipients)} recipients, p50 ${round(slowLatency['p50'] ?? NaN)} ms)`,
      },
      {
        id: 'render.compile',
        name: 'render: compile the newsletter once (MJML → HTML + text, cold)',
        value: round(compileMs),
        unit: 'ms',
        notes: 'first compile in the process, MJML modules cold; paid once per template per worker',
      },
    ];

    // Context, not the product path: the same Liquid (MJML already applied) interpreted by liquidjs
    // per recipient, as the renderer did before its Liquid was compiled. Output checked identical.
    const htmlLiquid = createEmailLiquid('html');
    const textLiquid = createEmailLiquid('text');
    const interpreted = { subject: textLiquid.parse(compiled.liquid.subject), html: htmlLiquid.parse(compiled.liquid.html), text: textLiquid.parse(compiled.liquid.text) };
    const interpret = async (data: Record<string, unknown>) => ({
      subject: (await textLiquid.render(interpreted.subject, data)).trim(),
      html: await htmlLiquid.render(interpreted.html, data),
      text: await textLiquid.render(interpreted.text, data),
    });
    for (const i of [0, 1, 2, 3, 7]) {
      const [mine, theirs] = [await renderer.render(TEMPLATE, recipient(i)), await interpret(recipient(i))];
      if (mine.subject !== theirs.subject || mine.html !== theirs.html || mine.text !== theirs.text) throw new Error(`compiled and liquidjs output differ for recipient ${i}`);
    }
    const liquidjs = await timeIterations((i) => interpret(recipient(i)), { iterations: Math.min(recipients, 2000), warmup: 100 });
    figures.push({
      id: 'render.liquidjs',
      name: 'render: same Liquid interpreted by liquidjs per recipient (before compilation)',
      value: round(liquidjs.perSecond),
      unit: 'e-mails/s',
      baseline: { name: 'full MJML render per recipient', value: round(slow.perSecond, 3) },
      ratio: ratioOf(liquidjs.perSecond, slow.perSecond),
      notes: `not what the product runs: what compiling the Liquid gains (compiled path ${formatNumber(round(fast.perSecond / liquidjs.perSecond, 1))}× faster)`,
    });
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const renderSuite: BenchSuite = {
  name: 'render',
  description: 'newsletter MJML: compiled once + Liquid per recipient vs full MJML render per recipient',
  run: () => benchRender(),
};
