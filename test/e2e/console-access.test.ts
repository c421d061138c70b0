import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createConsoleUser, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import { launchChromium } from '../helpers/browser.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// Who may open what, in a real Chromium against the whole engine: the login refuses a wrong
// password with a message, logging out ends the session, and Settings belongs to admins alone: a
// sales or marketer user is neither offered it nor let in by URL, and the API refuses their session.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const ADMIN = { email: 'admin@relance.test', password: 'admin password 123' };
const MARKETER = { email: 'mia@relance.test', password: 'marketer password 123' };
const REP = { email: 'rep@example.com', password: 'rep password 123' };

let engine: RunningEngine;
let browser: Browser;

async function logIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${engine.baseUrl}/console/`);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').filter({ hasText: who.email }).waitFor();
}

/** A request from inside the page with its session cookie and CSRF token, as the console's code makes it. */
function fetchInPage(page: Page, url: string, init: { method: string; body?: unknown }) {
  return page.evaluate(
    async ({ url, init }) => {
      const session = (await (await fetch('/console/api/session', { credentials: 'same-origin' })).json()) as { csrfToken: string };
      const headers: Record<string, string> = { 'x-csrf-token': session.csrfToken };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'same-origin' });
      return { status: response.status, body: await response.text() };
    },
    { url, init },
  );
}

beforeAll(async () => {
  engine = await startEngine();
  const users = engine.database.db as unknown as Kysely<ConsoleUserDatabase>;
  await createConsoleUser(users, { ...ADMIN, role: 'admin' });
  await createConsoleUser(users, { ...MARKETER, role: 'marketer' });
  await createConsoleUser(users, { ...REP, role: 'sales' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

describe('console access by role', () => {
  it('refuses a wrong password with a message; logging out brings the login back and the session stops working', async () => {
    const page = await browser.newPage();
    await page.goto(`${engine.baseUrl}/console/`);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong e-mail or password');
    expect(await page.getByTestId('current-user').count()).toBe(0);

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await page.evaluate(async () => (await fetch('/v1/newsletters', { credentials: 'same-origin' })).status))).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.close();
  });

  it('lets an admin open Settings, create an API key shown once, and see it listed by its prefix only', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, ADMIN);
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Scoring model JSON').waitFor();
    expect(await page.getByLabel('Scoring model JSON').inputValue()).toContain('"rules"');

    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('checkout');
    await page.getByLabel('Role').selectOption('shop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^rlp_[0-9A-Za-z]{32}$/);
    // The new key works for what a shop key may do, and the list shows only its prefix.
    expect((await fetch(`${engine.baseUrl}/v1/coupons/NOPE`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    const table = page.getByRole('table', { name: 'API keys' });
    await table.getByText('checkout').waitFor();
    expect(await table.textContent()).not.toContain(key);
    expect(await table.textContent()).toContain(key.slice(0, 12));
    await page.screenshot({ path: path.join(SHOTS, 'settings.png'), fullPage: true });

    // A sales key without an owner is refused with the field named, next to the form.
    await page.getByLabel('Key name').fill('a rep');
    await page.getByLabel('Role').selectOption('sales');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Problems' }).textContent()).toContain('owner');

    const row = table.getByRole('row').filter({ hasText: 'checkout' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor();
    expect((await fetch(`${engine.baseUrl}/v1/coupons/NOPE`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    await page.close();
  });

  it('shows an admin the server’s refusal of a scoring model by its field, and the re-score of a published one', async () => {
    const page = await browser.newPage();
    await logIn(page, ADMIN);
    await page.goto(`${engine.baseUrl}/console/settings`);
    const editor = page.getByLabel('Scoring model JSON');
    await editor.waitFor();
    const model = JSON.parse(await editor.inputValue());
    await editor.fill(JSON.stringify({ ...model, halfLifeDays: -3 }, null, 2));
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Problems' }).textContent()).toContain('halfLifeDays');
    expect((await engine.get('/v1/scoring-model')).body.version).toBe(model.version);

    await editor.fill(JSON.stringify(model, null, 2));
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByTestId('rescore-status').textContent(), { timeout: 30_000 }).toMatch(/completed, \d+ of \d+ contacts re-scored/);
    expect((await engine.get('/v1/scoring-model')).body.version).toBe(model.version + 1);
    await page.close();
  });

  for (const who of [
    { label: 'a sales user', user: REP, role: 'sales' },
    { label: 'a marketer', user: MARKETER, role: 'marketer' },
  ]) {
    it(`offers ${who.label} no Settings, refuses /console/settings by URL, and the API answers 403 to their session on admin routes`, async () => {
      const page = await browser.newPage();
      await logIn(page, who.user);
      expect(await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).count()).toBe(0);
      await page.goto(`${engine.baseUrl}/console/settings`);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(`Your role (${who.role}) cannot open Settings`);
      expect(await page.getByLabel('Scoring model JSON').count()).toBe(0);

      const model = (await engine.get('/v1/scoring-model')).body;
      const answers = {
        keys: await fetchInPage(page, '/v1/api-keys', { method: 'GET' }),
        newKey: await fetchInPage(page, '/v1/api-keys', { method: 'POST', body: { name: 'mine', role: 'admin' } }),
        users: await fetchInPage(page, '/console/api/users', { method: 'GET' }),
        newUser: await fetchInPage(page, '/console/api/users', { method: 'POST', body: { email: 'x@relance.test', role: 'admin', password: 'a long password 1' } }),
        publish: await fetchInPage(page, '/v1/scoring-model', { method: 'PUT', body: model }),
        rules: await fetchInPage(page, '/v1/handoff/routing-rules', { method: 'GET' }),
      };
      for (const [route, answer] of Object.entries(answers)) expect({ route, status: answer.status }).toEqual({ route, status: 403 });
      // Nothing they tried was stored.
      expect((await engine.get('/v1/scoring-model')).body.version).toBe(model.version);
      expect((await engine.get('/v1/api-keys')).body.keys.some((k: any) => k.name === 'mine')).toBe(false);
      expect((await engine.get('/console/api/users')).body.users.some((u: any) => u.email === 'x@relance.test')).toBe(false);
      await page.close();
    });
  }
});
