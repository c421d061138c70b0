import { copyFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEWSLETTER_FIXTURE, recipient } from '../support/newsletter-fixture.js';
import { createEmailLiquid, TEMPLATES_DIR, TemplateRenderer, type CompiledTemplate } from '../../templates/renderer.js';
import { templateData } from '../helpers/liquid-data.js';

// The compiled e-mail must be the e-mail liquidjs would have rendered: every template the project
// ships, and the bench's newsletter, rendered both ways for many generated recipients.

const htmlLiquid = createEmailLiquid('html');
const textLiquid = createEmailLiquid('text');

function interpreter(template: CompiledTemplate) {
  const parsed = { subject: textLiquid.parse(template.liquid.subject), html: htmlLiquid.parse(template.liquid.html), text: textLiquid.parse(template.liquid.text) };
  return {
    parts: [parsed.subject, parsed.html, parsed.text],
    render: async (data: Record<string, unknown>) => ({
      subject: await textLiquid.render(parsed.subject, data),
      html: await htmlLiquid.render(parsed.html, data),
      text: await textLiquid.render(parsed.text, data),
    }),
  };
}

async function expectSameForGeneratedData(template: CompiledTemplate, numRuns: number): Promise<void> {
  const liquidjs = interpreter(template);
  await fc.assert(
    fc.asyncProperty(templateData(textLiquid, liquidjs.parts), async (data) => {
      const expected = await liquidjs.render(data);
      expect({ subject: template.subject(data), html: template.html(data), text: template.text(data) }).toEqual(expected);
    }),
    { numRuns },
  );
}

describe('compiled templates render what liquidjs renders', () => {
  const renderer = new TemplateRenderer();
  let fixtureDir: string;

  beforeAll(async () => {
    fixtureDir = await mkdtemp(path.join(tmpdir(), 'relance-equivalence-'));
    await copyFile(NEWSLETTER_FIXTURE, path.join(fixtureDir, 'newsletter.mjml'));
    await cp(path.join(TEMPLATES_DIR, 'partials'), path.join(fixtureDir, 'partials'), { recursive: true });
  });
  afterAll(async () => {
    if (fixtureDir !== undefined) await rm(fixtureDir, { recursive: true, force: true });
  });

  it('for every template in templates/, with generated contacts, events, coupons and hand-offs', async () => {
    const names = (await readdir(TEMPLATES_DIR)).filter((file) => file.endsWith('.mjml')).map((file) => file.slice(0, -5));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const template = await renderer.compile(name);
      await expectSameForGeneratedData(template, 40);
    }
  }, 120_000);

  it('for the bench newsletter (loop over products, prices, conditions), with generated and realistic recipients', async () => {
    const template = await new TemplateRenderer(fixtureDir).compile('newsletter');
    await expectSameForGeneratedData(template, 60);
    const liquidjs = interpreter(template);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (i) => {
        const data = recipient(i);
        const expected = await liquidjs.render(data);
        expect({ subject: template.subject(data), html: template.html(data), text: template.text(data) }).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
