import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createConsoleUser, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import { launchChromium } from '../helpers/browser.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';
import { insertSubscribers } from '../support/subscribers.js';

// A marketer composes a newsletter in a real Chromium: a segment built in the form, its audience
// counted live, sent, its progress bar followed to 100 %, and the e-mails counted at the SMTP catcher.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const MARKETER = { email: 'mia@relance.test', password: 'marketer password 123' };
const AUDIENCE = 24;

let engine: RunningEngine;
let browser: Browser;

beforeAll(async () => {
  engine = await startEngine();
  await createConsoleUser(engine.database.db as unknown as Kysely<ConsoleUserDatabase>, { ...MARKETER, role: 'marketer' });
  // The segment: leads of the "spring" cohort. Around them, people it must not reach: MQLs of the
  // same cohort and leads of another.
  await insertSubscribers(engine.database.db, { cohort: 'spring', count: AUDIENCE, stage: 'lead' });
  await insertSubscribers(engine.database.db, { cohort: 'spring', count: 7, stage: 'mql' });
  await insertSubscribers(engine.database.db, { cohort: 'autumn', count: 9, stage: 'lead' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

describe('newsletter composer in a real browser', () => {
  it('builds a segment with its live audience size, sends it, follows the progress to 100 % and the catcher receives one e-mail per member', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${engine.baseUrl}/console/`);
    await page.getByLabel('E-mail').fill(MARKETER.email);
    await page.getByLabel('Password').fill(MARKETER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Newsletters' }).click();
    await page.getByRole('link', { name: 'New newsletter' }).click();
    await page.getByRole('heading', { name: 'New newsletter' }).waitFor();

    // Everyone subscribed to the topic, before any condition.
    await expect.poll(() => page.getByTestId('audience-size').textContent()).toBe(String(AUDIENCE + 7 + 9));
    await page.getByLabel('Name').fill('Spring digest');
    await page.getByLabel('Template').fill('newsletter-digest');
    await page.getByRole('group', { name: 'Stages' }).getByLabel('lead', { exact: true }).check();
    await expect.poll(() => page.getByTestId('audience-size').textContent()).toBe(String(AUDIENCE + 9));
    await page.getByRole('button', { name: 'Add a trait condition' }).click();
    await page.getByLabel('trait 1 name').fill('cohort');
    await page.getByLabel('trait 1 condition').selectOption('equals');
    await page.getByLabel('trait 1 value').fill('spring');
    await expect.poll(() => page.getByTestId('audience-size').textContent()).toBe(String(AUDIENCE));
    await page.getByLabel('Rate (e-mails per second, optional)').fill('50');
    await page.screenshot({ path: path.join(SHOTS, 'newsletter-composer.png'), fullPage: true });

    await page.getByRole('button', { name: 'Send' }).click();
    const bar = page.getByRole('progressbar', { name: 'sending progress' });
    await bar.waitFor();
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 60_000 }).toBe('100');
    await expect.poll(() => page.getByTestId('newsletter-status').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await page.getByTestId('progress-percent').textContent()).toBe('100 %');
    expect(await page.getByTestId('newsletter-counts').textContent()).toContain(`sent ${AUDIENCE}`);

    const received = engine.smtp.messages().filter((message) => message.to.some((to) => to.startsWith('spring-')));
    expect(received).toHaveLength(AUDIENCE);
    expect(new Set(received.flatMap((message) => message.to)).size).toBe(AUDIENCE);
    expect(engine.smtp.messages().some((message) => message.to.some((to) => to.startsWith('autumn-')))).toBe(false);

    // The list shows it, with its counts.
    await page.getByRole('link', { name: '← Newsletters' }).click();
    const row = page.getByRole('table', { name: 'Newsletters' }).getByRole('row').filter({ hasText: 'Spring digest' });
    await row.waitFor();
    expect(await row.textContent()).toContain('completed');
    expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.close();
  });

  it('shows the server’s refusal of an unknown template next to the template field, and stores nothing', async () => {
    const page = await browser.newPage();
    await page.goto(`${engine.baseUrl}/console/`);
    await page.getByLabel('E-mail').fill(MARKETER.email);
    await page.getByLabel('Password').fill(MARKETER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('current-user').waitFor();
    await page.goto(`${engine.baseUrl}/console/newsletters/new`);
    const before = (await engine.get('/v1/newsletters')).body.newsletters.length;
    await page.getByLabel('Name').fill('Typo');
    await page.getByLabel('Template').fill('no-such-template');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual([expect.stringContaining('no-such-template')]);
    expect((await engine.get('/v1/newsletters')).body.newsletters.length).toBe(before);
    await page.close();
  });
});
