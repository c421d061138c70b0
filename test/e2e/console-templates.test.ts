import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createConsoleUser, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import { launchChromium } from '../helpers/browser.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// The templates screen in a real Chromium against the whole engine: a marketer edits a template,
// watches the server's preview follow, sees the server's validation on the line it names, publishes.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const MARKETER = { email: 'mia@relance.test', password: 'marketer password 1' };

const source = (subject: string, body: string) => `---
subject: ${subject}
category: marketing
topic: newsletter
---
<mjml>
  <mj-body>
    <mj-section>
      ${body}
    </mj-section>
    <mj-include path="./partials/footer.mjml" />
  </mj-body>
</mjml>
`;
const column = (text: string) => `<mj-column><mj-text>${text}</mj-text></mj-column>`;
const v1 = source('Spring news for {{ contact.firstName }}', column('Three new guides this spring.'));

let engine: RunningEngine;
let browser: Browser;

beforeAll(async () => {
  engine = await startEngine();
  await createConsoleUser(engine.database.db as unknown as Kysely<ConsoleUserDatabase>, { ...MARKETER, role: 'marketer' });
  const admin = { authorization: `Bearer ${engine.keys.admin}` };
  expect((await engine.post('/v1/templates', { name: 'spring-news', source: v1 }, admin)).status).toBe(201);
  expect((await engine.post('/v1/templates/spring-news/publish', {}, admin)).body).toEqual({ name: 'spring-news', version: 1 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

/** Replaces the whole document in the CodeMirror editor, as a paste would. */
async function replaceSource(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describe('templates screen in a real browser', () => {
  it('edits a template with a live preview, shows an MJML error on its line, and publishes version 2', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${engine.baseUrl}/console/`);
    await page.getByLabel('E-mail').fill(MARKETER.email);
    await page.getByLabel('Password').fill(MARKETER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('heading', { name: 'Templates' }).waitFor();
    // Built-ins are listed beside the marketer's own, marked so.
    expect(await page.getByRole('row').filter({ hasText: 'welcome' }).first().textContent()).toContain('built-in');
    expect(await page.getByRole('row').filter({ hasText: 'spring-news' }).textContent()).toContain('v1');

    await page.getByRole('link', { name: 'spring-news' }).click();
    await page.getByTestId('template-editor').locator('.cm-content').waitFor();
    await expect.poll(() => page.getByTestId('preview-subject').textContent()).toBe('Spring news for Ada');
    expect(await page.getByTestId('preview-text').textContent()).toContain('Three new guides this spring.');

    await replaceSource(page, source('{{ contact.firstName }}, the summer guides are here', column('Four new guides this summer.')));
    await expect.poll(() => page.getByTestId('preview-subject').textContent()).toBe('Ada, the summer guides are here');
    await expect.poll(() => page.getByTestId('preview-text').textContent()).toContain('Four new guides this summer.');
    // The HTML preview is the server's render in a sandboxed frame.
    expect(await page.getByTitle('HTML preview').getAttribute('sandbox')).toBe('');
    expect(await page.frameLocator('iframe[title="HTML preview"]').locator('body').textContent()).toContain('Four new guides this summer.');

    // Line 9 of the source: an mj-text straight in an mj-section.
    await replaceSource(page, source('{{ contact.firstName }}, the summer guides are here', '<mj-text>Four new guides this summer.</mj-text>'));
    await expect.poll(() => page.getByRole('list', { name: 'Problems' }).textContent()).toContain('line 9: MJML: mj-text cannot be used inside mj-section');
    // The same problem marks its line in the editor.
    await page.locator('.cm-lint-marker-error').first().waitFor();
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('cannot be published');
    expect((await engine.get('/v1/templates/spring-news')).body.publishedVersion).toBe(1);

    await replaceSource(page, source('{{ contact.firstName }}, the summer guides are here', column('Four new guides this summer.')));
    await expect.poll(() => page.getByText('None: this draft can be published.').count()).toBe(1);
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Published version 2.');
    await expect.poll(() => page.getByRole('list', { name: 'Versions' }).textContent()).toMatch(/^v2 · .*v1 · /);
    expect(await page.getByTestId('published-version').textContent()).toBe('published v2');
    await page.screenshot({ path: path.join(SHOTS, 'templates.png'), fullPage: true });

    const stored = await engine.get('/v1/templates/spring-news/versions/2');
    expect(stored.body).toMatchObject({ version: 2, publishedBy: MARKETER.email });
    expect(stored.body.source).toContain('Four new guides this summer.');
    await page.close();
  });

  it('keeps CodeMirror out of the first screen: it loads with the templates screen only', async () => {
    const dist = path.join(ROOT, 'console', 'dist');
    const index = await readFile(path.join(dist, 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(await readFile(path.join(dist, script), 'utf8')).not.toContain('cm-lintRange');
    // …and it is in the build, in a chunk of its own.
    const chunks = (await readdir(path.join(dist, 'assets'))).filter((file) => file.endsWith('.js') && !scripts.includes(`assets/${file}`));
    const withEditor = [];
    for (const chunk of chunks) if ((await readFile(path.join(dist, 'assets', chunk), 'utf8')).includes('cm-lintRange')) withEditor.push(chunk);
    expect(withEditor.length).toBeGreaterThan(0);
  });
});
