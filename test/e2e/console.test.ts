import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createConsoleUser, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import { launchChromium } from '../helpers/browser.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// The console in a real Chromium (Debian's, never downloaded) against the whole engine: Temporal,
// PostgreSQL, the SMTP catcher, the worker and the API serving the built console.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const ADMIN = { email: 'ada@relance.test', password: 'correct horse battery' };
const REP = { email: 'rep@example.com', password: 'rep password 123' };
const OTHER_REP = 'bob@example.com';

let engine: RunningEngine;
let browser: Browser;

async function logIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${engine.baseUrl}/console/`);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').filter({ hasText: who.email }).waitFor();
}

/** A request from inside the page, as the console's own code would make it (same origin, the session cookie). */
function fetchInPage(page: Page, url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  return page.evaluate(
    async ({ url, init }) => {
      const response = await fetch(url, { ...init, credentials: 'same-origin' });
      return { status: response.status, body: await response.text() };
    },
    { url, init },
  );
}

beforeAll(async () => {
  engine = await startEngine();
  const users = engine.database.db as unknown as Kysely<ConsoleUserDatabase>;
  await createConsoleUser(users, { ...ADMIN, role: 'admin' });
  await createConsoleUser(users, { ...REP, role: 'sales' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

describe('console in a real browser', () => {
  it('refuses a wrong password, then shows an admin why a contact scores what it does, from the events sent', async () => {
    const sent = await engine.post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u-ada', messageId: 'c-1', traits: { email: 'grace@client.fr', firstName: 'Grace', jobTitle: 'CTO', companySize: 300, country: 'FR', company: 'Client SA' } },
        { type: 'page', name: 'Pricing', userId: 'u-ada', messageId: 'c-2', properties: { path: '/pricing' } },
        { type: 'page', name: 'Features', userId: 'u-ada', messageId: 'c-3', properties: { path: '/features' } },
        // A colleague last seen three weeks ago: the activity filter leaves them out of "last 7 days".
        { type: 'identify', userId: 'u-linus', messageId: 'c-4', timestamp: new Date(Date.now() - 21 * 86_400_000).toISOString(), traits: { email: 'linus@client.fr', country: 'LU', company: 'Client SA' } },
        { type: 'page', name: 'Pricing', userId: 'u-linus', messageId: 'c-5', timestamp: new Date(Date.now() - 21 * 86_400_000).toISOString(), properties: { path: '/pricing' } },
      ],
    });
    expect(sent.status).toBe(200);
    const contactId = (await engine.get('/v1/contacts?trait=country:FR')).body.contacts.find((c: any) => c.email === 'grace@client.fr').id;
    const score = (await engine.get(`/v1/contacts/${contactId}/score`)).body;
    expect(score.engagement.lines.length).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${engine.baseUrl}/console/`);
    await page.screenshot({ path: path.join(SHOTS, 'login.png') });
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong e-mail or password');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('funnel-lead').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });

    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Trait').fill('company:Client SA');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'linus@client.fr' }).waitFor();
    await page.getByRole('link', { name: 'grace@client.fr' }).waitFor();
    await page.getByLabel('Active in the').selectOption({ label: 'last 7 days' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'linus@client.fr' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: 'grace@client.fr' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'contacts.png'), fullPage: true });
    await page.getByRole('link', { name: 'grace@client.fr' }).click();

    await page.getByTestId('ledger-line').first().waitFor();
    const rows = await page.getByTestId('ledger-line').evaluateAll((lines) => lines.map((line) => Array.from(line.querySelectorAll('td')).map((cell) => (cell as { textContent: string | null }).textContent)));
    // Every ledger line of the API, in its order: event, rule and reason as stored, points as scored.
    expect(rows.map((cells) => [cells[1], cells[2], cells[3], Number(cells[4])])).toEqual(score.engagement.lines.map((line: any) => [line.eventType, line.ruleId, line.reason, line.points]));
    expect(new Set(rows.map((cells) => cells[1]))).toEqual(new Set(['page_viewed']));
    expect(await page.getByTestId('fit-line').count()).toBe(score.fit.lines.length);
    expect(await page.getByRole('table', { name: 'Traits' }).textContent()).toContain('Client SA');
    await page.screenshot({ path: path.join(SHOTS, 'contact-score.png'), fullPage: true });

    await page.getByRole('navigation').getByRole('link', { name: 'Journeys' }).click();
    await page.getByRole('link', { name: 'Abandoned cart' }).click();
    await page.getByTestId('node-reminder').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'journey.png'), fullPage: true });
    await page.close();
  });

  it("shows a rep only their own leads; accepting one makes the contact an SQL; admin routes refuse the rep's session", async () => {
    await engine.put('/v1/handoff/routing-rules', { territories: [{ id: 'fr', countries: ['FR'] }, { id: 'de', countries: ['DE'] }], fallbackQueue: 'queue@example.com', sla: { businessHours: { timeZone: 'Europe/Paris' } } });
    await engine.put(`/v1/sales/reps/${REP.email}`, { name: 'Rep', territories: ['fr'], capacity: 5 });
    await engine.put(`/v1/sales/reps/${OTHER_REP}`, { name: 'Bob', territories: ['de'], capacity: 5 });
    const lead = (userId: string, email: string, country: string, n: number) => [
      { type: 'identify', userId, messageId: `l-${n}-1`, traits: { email, firstName: userId, jobTitle: 'CTO', companySize: 300, country, company: `${country} Corp` } },
      { type: 'track', event: 'quote_requested', userId, messageId: `l-${n}-2` },
    ];
    expect((await engine.post('/v1/batch', { batch: [...lead('lea', 'lea@client.fr', 'FR', 1), ...lead('jan', 'jan@client.de', 'DE', 2)] })).status).toBe(200);
    // The engine's sales key belongs to the same rep: what the API gives it is what the rep may see.
    const leadsOfRep = async () => (await engine.get('/v1/sales/leads', { authorization: `Bearer ${engine.keys.sales}` })).body.leads as any[];
    await expect.poll(async () => (await leadsOfRep()).some((l) => l.summary?.who?.email === 'lea@client.fr'), { timeout: 20_000 }).toBe(true);
    const mine = await leadsOfRep();
    const fr = mine.find((l) => l.summary?.who?.email === 'lea@client.fr');
    expect(mine.some((l) => l.summary?.who?.email === 'jan@client.de')).toBe(false);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, REP);
    await page.getByRole('heading', { name: 'Sales inbox' }).waitFor();
    const card = page.getByTestId(`lead-${fr.contactId}`);
    await card.waitFor();
    expect(await page.getByText('jan', { exact: true }).count()).toBe(0);
    expect(await page.locator('.lead').count()).toBe(mine.length);
    await page.screenshot({ path: path.join(SHOTS, 'sales-inbox.png'), fullPage: true });

    await card.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => card.getByTestId('lead-status').textContent()).toBe('accepted');
    const handoff = await engine.get(`/v1/handoffs/${fr.id}`);
    expect(handoff.body).toMatchObject({ status: 'accepted', actions: [expect.objectContaining({ action: 'accept', actor: `sales:${REP.email}` })] });
    expect((await engine.get(`/v1/contacts/${fr.contactId}`)).body.stage).toBe('sql');

    // The rep works the opportunity from the same card: a proposal sent, then won.
    await card.getByLabel('Opportunity stage').selectOption('proposal_sent');
    await card.getByText('Opportunity at proposal sent (20 %).').waitFor();
    await card.getByRole('button', { name: 'Won' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await engine.get(`/v1/handoffs/${fr.id}`)).body).toMatchObject({ status: 'won' });
    await expect.poll(async () => (await engine.get(`/v1/contacts/${fr.contactId}`)).body.stage).toBe('customer');

    // The rep's session is a sales principal: admin routes refuse it, the admin screens are not offered.
    expect((await fetchInPage(page, '/v1/contacts', { method: 'GET' })).status).toBe(403);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).count()).toBe(0);
    await page.goto(`${engine.baseUrl}/console/dashboard`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('cannot open Dashboard');
    await page.close();
  });

  it('refuses a state-changing request without the CSRF token, and logging out ends the session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, ADMIN);
    const contactId = (await engine.get('/v1/contacts?trait=country:FR')).body.contacts[0].id;
    const body = JSON.stringify({ traits: { phone: '+33 1 23 45 67 89' } });
    const without = await fetchInPage(page, `/v1/contacts/${contactId}/traits`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
    expect(without.status).toBe(403);
    expect(JSON.parse(without.body)).toMatchObject({ error: 'csrf' });
    expect((await engine.get(`/v1/contacts/${contactId}`)).body.traits.phone).toBeUndefined();
    const { csrfToken } = JSON.parse((await fetchInPage(page, '/console/api/session', { method: 'GET' })).body);
    const withToken = await fetchInPage(page, `/v1/contacts/${contactId}/traits`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body });
    expect(withToken.status).toBe(200);

    const [cookie] = (await context.cookies()).filter((c) => c.name === 'relance_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await fetchInPage(page, '/v1/journeys', { method: 'GET' })).status).toBe(401);
    // The old cookie, replayed by anyone who copied it, opens nothing: the session row is gone.
    const replay = await fetch(`${engine.baseUrl}/v1/journeys`, { headers: { cookie: `relance_session=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    await context.close();
  });

  it('rate-limits failed logins of an address: the sixth attempt within 15 minutes is a 429 with Retry-After', async () => {
    const attempt = (password: string) =>
      fetch(`${engine.baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: REP.email, password }) });
    for (let i = 0; i < 5; i += 1) expect((await attempt(`guess ${i}`)).status).toBe(401);
    const refused = await attempt(REP.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await refused.json()).toMatchObject({ error: 'too_many_attempts' });
  });

  it("keeps the first screen's JavaScript under 250 KB gzipped", async () => {
    const dist = path.join(ROOT, 'console', 'dist');
    const index = await readFile(path.join(dist, 'index.html'), 'utf8');
    // What the login screen loads: the entry script and every module it preloads (the other screens are lazy chunks).
    const scripts = [...index.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const script of scripts) gzipped += gzipSync(await readFile(path.join(dist, script))).length;
    process.stderr.write(`console first screen: ${scripts.length} script(s), ${(gzipped / 1024).toFixed(1)} KB gzipped\n`);
    expect(gzipped).toBeLessThan(250 * 1024);
  });
});
