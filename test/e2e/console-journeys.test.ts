import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createConsoleUser, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import { launchChromium } from '../helpers/browser.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// A marketer builds, publishes and changes journeys in the console's editor, in a real Chromium
// against the whole engine: the contacts who enter are real runs on Temporal, their e-mails reach
// the SMTP catcher, and the counts on the graph are the API's.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const MARKETER = { email: 'mo@relance.test', password: 'marketer password 456' };

let engine: RunningEngine;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  engine = await startEngine();
  await createConsoleUser(engine.database.db as unknown as Kysely<ConsoleUserDatabase>, { ...MARKETER, role: 'marketer' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${engine.baseUrl}/console/`);
  await page.getByLabel('E-mail').fill(MARKETER.email);
  await page.getByLabel('Password').fill(MARKETER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').filter({ hasText: MARKETER.email }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
});

const panel = () => page.getByRole('complementary', { name: 'Node panel' });

async function insertNode(button: string, type: string, id: string): Promise<void> {
  await panel().getByRole('button', { name: button }).click();
  const form = panel().getByRole('form', { name: 'Insert a node' });
  await form.getByLabel('Node type').selectOption(type);
  await form.getByLabel('Node id').fill(id);
  await form.getByRole('button', { name: 'Insert' }).click();
  await panel().getByRole('heading', { name: new RegExp(`^${id}`) }).waitFor();
}

async function publish(policy: 'finish on their version' | 'move to the new version'): Promise<string[]> {
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('status').filter({ hasText: 'Draft saved.' }).waitFor();
  const section = page.getByRole('region', { name: 'Publish' });
  await section.getByLabel('Contacts already in the journey').selectOption({ label: policy });
  await section.getByRole('button', { name: 'Preview migration' }).click();
  const preview = section.getByRole('table', { name: 'Migration preview' });
  await preview.waitFor();
  const rows = await preview.locator('tbody tr').allTextContents();
  await section.getByRole('button', { name: 'Publish', exact: true }).click();
  return rows;
}

describe('journey editor in a real browser', () => {
  it('builds a journey from nothing, shows a bad duration on its node until fixed, publishes it, and counts the contact who enters', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Journeys' }).click();
    const create = page.getByRole('form', { name: 'New journey' });
    await create.getByLabel('Journey id').fill('welcome-flow');
    await create.getByLabel('Name').fill('Welcome flow');
    await create.getByLabel('Entry event').fill('signed_up');
    await create.getByRole('button', { name: 'Create journey' }).click();
    await page.getByRole('heading', { name: 'Welcome flow' }).waitFor();
    await page.getByRole('tab', { name: 'Edit draft' }).click();

    await insertNode('Insert a node after the entry', 'send_email', 'hello');
    // A welcome answers the sign-up itself: transactional, sent without a marketing consent.
    await panel().getByLabel('category').fill('transactional');
    await insertNode('Insert a node on next → done', 'delay', 'pause');
    await panel().getByLabel('duration').fill('soon');
    // The same validation as the server's, as the marketer types: on the node and by its field.
    await page.locator('[data-testid="node-pause"][data-invalid="true"]').waitFor();
    expect(await panel().locator('.field-error').allTextContents()).toEqual([expect.stringMatching(/^wait\.duration: /)]);
    await page.screenshot({ path: path.join(SHOTS, 'journey-editor.png'), fullPage: true });
    await panel().getByLabel('duration').fill('2 days');
    await page.locator('[data-testid="node-pause"][data-invalid="true"]').waitFor({ state: 'detached' });
    expect(await page.getByTestId('draft-issues').count()).toBe(0);

    const preview = await publish('finish on their version');
    expect(preview).toEqual(['Nobody is in the journey now.']);
    await page.getByRole('status').filter({ hasText: 'Published version 1.' }).waitFor();
    const stored = (await engine.get('/v1/journeys/welcome-flow')).body;
    expect(stored.activeVersion).toBe(1);
    expect(stored.activeDefinition.nodes).toEqual({
      hello: { type: 'send_email', template: 'welcome', category: 'transactional', next: 'pause' },
      pause: { type: 'delay', wait: { kind: 'duration', duration: '2 days' }, next: 'done' },
      done: { type: 'exit' },
    });

    await page.getByRole('tab', { name: 'Live' }).click();
    await page.getByTestId('journey-status').filter({ hasText: 'active' }).waitFor();
    expect(await page.getByTestId('counts-pause').textContent()).toBe('0 here now · 0 visits');
    const identify = await engine.post('/v1/identify', { type: 'identify', userId: 'u-lena', messageId: 'lena-1', traits: { email: 'lena@example.com', firstName: 'Lena' } });
    expect(identify.status).toBe(200);
    const signedUp = await engine.post('/v1/track', { type: 'track', event: 'signed_up', userId: 'u-lena', messageId: 'lena-2' });
    expect(signedUp.status).toBe(200);
    await page.getByTestId('counts-pause').filter({ hasText: '1 here now' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('journey-entered').textContent()).toBe('1');
    // The count leads to the people behind it.
    await page.getByTestId('node-pause').click();
    await page.getByRole('table', { name: 'Contacts at pause' }).getByRole('link', { name: 'lena@example.com' }).waitFor();
    expect(await page.getByRole('table', { name: 'Contacts at pause' }).locator('tbody tr').count()).toBe(1);
    await expect.poll(() => engine.smtp.messages().filter((message) => message.to.includes('lena@example.com')).map((message) => message.subject), { timeout: 20_000 }).toEqual(['Welcome, Lena!']);
  });

  it('publishes v2 over the running contact after reading the migration preview, and the contact moves to it', async () => {
    await page.getByRole('tab', { name: 'Edit draft' }).click();
    await page.getByTestId('node-pause').click();
    await panel().getByRole('heading', { name: /^pause/ }).waitFor();
    await panel().getByLabel('duration').fill('3 days');
    const preview = await publish('move to the new version');
    // Lena waits in v1's pause; the draft has a node of that id, where she would go.
    expect(preview).toEqual(['v1pause1pause']);
    await page.getByRole('status').filter({ hasText: 'Published version 2; 1 contact(s) moved to it.' }).waitFor();
    await page.getByRole('tab', { name: 'Live' }).click();
    await page.getByTestId('journey-version').filter({ hasText: 'version 2' }).waitFor();
    await page.getByTestId('counts-pause').filter({ hasText: '1 here now' }).waitFor({ timeout: 30_000 });
    const { analytics } = (await engine.get('/v1/journeys/welcome-flow')).body;
    expect(analytics.nodes.filter((node: any) => node.nodeId === 'pause').map((node: any) => [node.version, node.now])).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });

  it('copies the abandoned-cart template, waits two hours instead of one before the reminder, publishes it and sees a cart enter', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Journeys' }).click();
    const create = page.getByRole('form', { name: 'New journey' });
    await create.getByLabel('Start from').selectOption({ label: 'copy of Abandoned cart' });
    await create.getByLabel('Journey id').fill('cart-two-hours');
    await create.getByLabel('Name').fill('Cart, reminded after two hours');
    await create.getByRole('button', { name: 'Create journey' }).click();
    await page.getByRole('heading', { name: 'Cart, reminded after two hours' }).waitFor();
    await page.getByRole('tab', { name: 'Edit draft' }).click();
    await page.getByTestId('node-quiet_hour').click();
    await panel().getByLabel('timeout', { exact: true }).fill('2 hours');
    expect(await publish('finish on their version')).toEqual(['Nobody is in the journey now.']);
    await page.getByRole('status').filter({ hasText: 'Published version 1.' }).waitFor();
    const stored = (await engine.get('/v1/journeys/cart-two-hours')).body;
    expect(stored.activeDefinition.nodes.quiet_hour).toMatchObject({ type: 'wait_for_event', timeout: '2 hours', onTimeout: 'reminder' });

    await page.getByRole('tab', { name: 'Live' }).click();
    await page.getByTestId('counts-quiet_hour').filter({ hasText: '0 here now' }).waitFor();
    const cart = await engine.post('/v1/track', { type: 'track', event: 'cart_updated', userId: 'u-noor', messageId: 'noor-cart-1', properties: { cart_id: 'cart-77', total: 42 } });
    expect(cart.status).toBe(200);
    await page.getByTestId('counts-quiet_hour').filter({ hasText: '1 here now' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('journey-entered').textContent()).toBe('1');
    await page.getByRole('navigation').getByRole('link', { name: 'Journeys' }).click();
    await page.getByTestId('in-flight-cart-two-hours').filter({ hasText: /^1$/ }).waitFor();
  });

  it('dry-runs the saved draft from the editor: progress to 100 %, the paths taken, the exits, and the counts on the same graph', async () => {
    await page.goto(`${engine.baseUrl}/console/journeys/welcome-flow`);
    await page.getByRole('tab', { name: 'Edit draft' }).click();
    await page.getByRole('button', { name: 'Save draft' }).click();
    const panel = page.getByRole('region', { name: 'Dry run' });
    await panel.getByLabel('Contacts').fill('200');
    await panel.getByLabel('Days').fill('6');
    await panel.getByRole('button', { name: 'Run dry run' }).click();
    await panel.getByTestId('dry-run-percent').filter({ hasText: '100 %' }).waitFor({ timeout: 120_000 });
    // Entries spread over the six days: everyone has the welcome and waits v2's three days of pause;
    // those who entered early enough leave, the others are still waiting when the run ends.
    // The bar reaches 100 % with the last progress poll; the result's table renders on the poll after.
    const pathRows = panel.getByRole('table', { name: 'Dry run paths' }).locator('tbody tr');
    await pathRows.first().waitFor();
    const rows = await pathRows.evaluateAll((lines) => lines.map((line) => Array.from(line.querySelectorAll('td')).map((cell) => (cell as { textContent: string | null }).textContent ?? '')));
    expect(new Set(rows.map(([, taken]) => taken))).toEqual(new Set(['hello → pause → done', 'hello → pause']));
    expect(rows.reduce((sum, [contacts]) => sum + Number(contacts), 0)).toBe(200);
    const left = Number(rows.find(([, taken]) => taken === 'hello → pause → done')![0]);
    expect(await panel.getByTestId('dry-run-outcomes').textContent()).toBe(`Exits: running ${200 - left} · completed ${left}`);
    expect(await page.getByTestId('counts-hello').textContent()).toBe('0 here now · 200 visits');
    expect(await page.getByTestId('counts-done').textContent()).toBe(`0 here now · ${left} visits`);
    // Nothing of it was real: no run, no e-mail.
    expect((await engine.get('/v1/journeys/welcome-flow')).body.analytics.entered).toBe(1);
    expect(engine.smtp.messages().filter((message) => message.subject === 'Welcome, Lena!').length).toBe(1);
  });
});
