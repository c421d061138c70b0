// A real browser sends events the way a website does: Segment's analytics.js (@segment/analytics-next,
// its UMD bundle from node_modules) in headless Chromium, on a page served from another origin than
// the engine's, loaded with nothing but `{ writeKey, cdnURL: <the engine> }`.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as AnalyticsNext from '@segment/analytics-next';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-key.repository.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The bundle that exposes `(globalThis as unknown as PageGlobals).AnalyticsNext.AnalyticsBrowser` (standalone.js is the snippet build).
const ANALYTICS_BUNDLE = path.join(root, 'node_modules/@segment/analytics-next/dist/umd/index.js');
// Debian's Chromium (INFRA.md); playwright-core drives it, it never downloads one.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** A website: an HTML page that loads analytics.js from this same server, on a loopback port of its own. */
async function startPageServer(bundle: string): Promise<PageServer> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><script src="/analytics-next.js"></script></head><body><h1>Shop</h1></body></html>';
  const server = http.createServer((request, response) => {
    if (request.url === '/analytics-next.js') {
      response.writeHead(200, { 'content-type': 'application/javascript' }).end(bundle);
    } else if (request.url === '/favicon.ico') {
      response.writeHead(404).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What the page scripts use of the browser. The project compiles without the DOM library, so the
 * functions run in the page (page.evaluate) read these through `globalThis as unknown as PageGlobals`.
 */
interface PageGlobals {
  AnalyticsNext: typeof AnalyticsNext;
  navigator: { sendBeacon(url: string, data: string | Blob): boolean };
  addEventListener(type: 'pagehide', listener: () => void): void;
}

describe('analytics.js in a real browser', () => {
  let engine: RunningEngine;
  let browser: Browser;
  let shop: PageServer;
  let elsewhere: PageServer;
  let writeKey: string;
  const consoleMessages: string[] = [];
  /** What reached the engine, as "METHOD path status", seen from its HTTP server (the settings path shortened: it holds the key). */
  const served: string[] = [];

  beforeAll(async () => {
    const bundle = await readFile(ANALYTICS_BUNDLE, 'utf8');
    [engine, browser, shop, elsewhere] = await Promise.all([
      startEngine(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS }),
      startPageServer(bundle),
      startPageServer(bundle),
    ]);
    // The shop's browser source: its page's origin only. `elsewhere` is another site.
    engine.app.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) =>
      response.on('finish', () => served.push(`${request.method} ${request.url?.replace(/\/projects\/[^/]+/, '/projects/…')} ${response.statusCode}`)),
    );
    writeKey = (await createApiKey(engine.database.db, { name: 'shop website', role: 'write', allowedOrigins: [shop.origin] })).key;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([shop?.close(), elsewhere?.close(), engine?.stop()]);
  });

  async function openPage(origin: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (message) => consoleMessages.push(message.text()));
    await page.goto(`${origin}/product.html`);
    return page;
  }

  const eventsOf = (where: { anonymousId?: string; userId?: string; messageIds?: string[] }) => {
    let query = engine.database.db.selectFrom('events').select(['message_id', 'type', 'contact_id', 'anonymous_id', 'user_id', 'properties', 'traits', 'context']);
    query = query.where((eb) =>
      eb.or([
        ...(where.anonymousId === undefined ? [] : [eb('anonymous_id', '=', where.anonymousId)]),
        ...(where.userId === undefined ? [] : [eb('user_id', '=', where.userId)]),
        ...(where.messageIds === undefined ? [] : [eb('message_id', 'in', where.messageIds)]),
      ]),
    );
    return query.orderBy('occurred_at').execute();
  };

  /** Polls until `done` holds for the rows (a beacon lands after the navigation that sent it). */
  async function waitForEvents(where: Parameters<typeof eventsOf>[0], done: (rows: Awaited<ReturnType<typeof eventsOf>>) => boolean) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = await eventsOf(where);
      if (done(rows) || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('stores page, identify and track from a page of an allowed origin once each, and merges the visitor into the identified contact', async () => {
    const page = await openPage(shop.origin);
    const sent = await page.evaluate(
      async ({ writeKey, cdnURL }) => {
        const [analytics] = await (globalThis as unknown as PageGlobals).AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnURL });
        const anonymousId = analytics.user().anonymousId() ?? '';
        // Each call resolves once its delivery to Relance settled.
        const contexts = [
          await analytics.page(),
          await analytics.identify('user-1', { email: 'ada@example.com', firstName: 'Ada' }),
          await analytics.track('guide_requested', { guide: 'pricing', email: 'ada@example.com' }),
        ];
        return { anonymousId, failed: contexts.map((ctx) => ctx.failedDelivery()?.reason ?? null).map(String), messageIds: contexts.map((ctx) => ctx.event.messageId!) };
      },
      { writeKey, cdnURL: engine.baseUrl },
    );
    expect(sent.failed).toEqual(['null', 'null', 'null']);
    expect(sent.anonymousId).not.toBe('');

    const rows = await eventsOf({ messageIds: sent.messageIds });
    expect(rows.map((row) => [row.message_id, row.type])).toEqual([
      [sent.messageIds[0], 'page_viewed'],
      [sent.messageIds[1], 'identified'],
      [sent.messageIds[2], 'guide_requested'],
    ]);
    expect(rows[0]).toMatchObject({ anonymous_id: sent.anonymousId, user_id: null, properties: expect.objectContaining({ url: `${shop.origin}/product.html` }) });
    expect(rows[2]).toMatchObject({ anonymous_id: sent.anonymousId, user_id: 'user-1', properties: { guide: 'pricing', email: 'ada@example.com' } });
    // The write key travelled in every body and in the Authorization header: it is stored nowhere.
    expect(JSON.stringify(rows)).not.toContain(writeKey);

    // One contact holds both identifiers, and the anonymous page view is part of its history.
    const identities = await engine.database.db
      .selectFrom('contact_identities')
      .select(['kind', 'value', 'contact_id'])
      .where((eb) => eb.or([eb.and([eb('kind', '=', 'anonymous'), eb('value', '=', sent.anonymousId)]), eb.and([eb('kind', '=', 'user'), eb('value', '=', 'user-1')])]))
      .execute();
    expect(identities.map((identity) => identity.kind).sort()).toEqual(['anonymous', 'user']);
    const contactId = identities[0]!.contact_id;
    expect(identities[1]!.contact_id).toBe(contactId);
    const contact = await engine.get(`/v1/contacts/${contactId}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ email: 'ada@example.com' });
    const history = contact.body.recentEvents.map((event: { messageId: string }) => event.messageId);
    expect(history).toEqual(expect.arrayContaining(sent.messageIds));
    await page.close();
  });

  it('delivers what a page sends as it is left: analytics.js batches on keepalive, a sendBeacon of text/plain and of a JSON Blob', async () => {
    served.length = 0;
    const page = await openPage(shop.origin);
    const { anonymousId } = await page.evaluate(
      async ({ writeKey, cdnURL }) => {
        // Batching: events wait in the page (10 per request or a minute) and leave, with keepalive, to /v1/b when the page is hidden.
        const [analytics] = await (globalThis as unknown as PageGlobals).AnalyticsNext.AnalyticsBrowser.load(
          { writeKey, cdnURL },
          { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 60_000 } } } } },
        );
        const anonymousId = analytics.user().anonymousId()!;
        void analytics.track('cart_updated', { total: 42, currency: 'EUR' });
        const beacon = (messageId: string) => ({ writeKey, type: 'track', event: 'checkout_started', messageId, anonymousId, userId: null, properties: {} });
        const browser = globalThis as unknown as PageGlobals;
        browser.addEventListener('pagehide', () => {
          browser.navigator.sendBeacon(`${cdnURL}/v1/t`, JSON.stringify(beacon('beacon-text')));
          browser.navigator.sendBeacon(`${cdnURL}/v1/t`, new Blob([JSON.stringify(beacon('beacon-json'))], { type: 'application/json' }));
        });
        return { anonymousId };
      },
      { writeKey, cdnURL: engine.baseUrl },
    );
    // Nothing has left yet: the batch is waiting for its size or its minute.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await eventsOf({ anonymousId })).toEqual([]);

    await page.goto('about:blank');
    const rows = await waitForEvents({ anonymousId }, (found) => found.length >= 3);
    expect(rows.map((row) => row.type).sort()).toEqual(['cart_updated', 'checkout_started', 'checkout_started']);
    expect(rows.filter((row) => row.type === 'checkout_started').map((row) => row.message_id).sort()).toEqual(['beacon-json', 'beacon-text']);
    expect(rows.find((row) => row.type === 'cart_updated')?.properties).toEqual({ total: 42, currency: 'EUR' });
    // The batch went to /v1/b after its preflight; the text/plain beacon needs none, the JSON one is preflighted (with credentials).
    expect(served).toEqual(expect.arrayContaining(['OPTIONS /v1/b 204', 'POST /v1/b 200', 'OPTIONS /v1/t 204']));
    expect(served.filter((line) => line === 'POST /v1/t 200')).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(writeKey);
    await page.close();
  });

  it('refuses a page of another origin: the browser blocks its requests and nothing is stored', async () => {
    consoleMessages.length = 0;
    served.length = 0;
    const page = await openPage(elsewhere.origin);
    // The settings the other site would need, fetched outside the browser, so that its analytics.js loads and tries to send.
    const settings = await (await fetch(`${engine.baseUrl}/v1/projects/${writeKey}/settings`)).text();
    const outcome = await page.evaluate(
      async ({ writeKey, cdnURL, settings }) => {
        const loadWithCdn = await (globalThis as unknown as PageGlobals).AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnURL }).then(
          () => 'loaded',
          (error: unknown) => String(error),
        );
        const cdnSettings = JSON.parse(settings) as AnalyticsNext.CDNSettings;
        const [analytics] = await (globalThis as unknown as PageGlobals).AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnSettings });
        const anonymousId = analytics.user().anonymousId()!;
        // Its preflight is refused, so the browser never sends the event (analytics.js keeps it to retry).
        void analytics.track('guide_requested', { guide: 'stolen' });
        // A request the browser does not preflight reaches the server: it must refuse it itself.
        const body = (messageId: string) => JSON.stringify({ writeKey, type: 'track', event: 'guide_requested', messageId, anonymousId });
        const simpleFetch = await fetch(`${cdnURL}/v1/t`, { method: 'POST', body: body('elsewhere-fetch') }).then(
          (response) => `status ${response.status}`,
          (error: unknown) => String(error),
        );
        const beaconQueued = (globalThis as unknown as PageGlobals).navigator.sendBeacon(`${cdnURL}/v1/t`, body('elsewhere-beacon'));
        return { loadWithCdn, anonymousId, simpleFetch, beaconQueued };
      },
      { writeKey, cdnURL: engine.baseUrl, settings },
    );
    expect(outcome.loadWithCdn).toContain('Failed to fetch');
    expect(outcome.simpleFetch).toContain('Failed to fetch');
    expect(outcome.beaconQueued).toBe(true);
    // What the site's developer sees in the console: the settings, analytics.js's track and the plain
    // fetch, blocked (the preflight of analytics.js's track settles after the call returned).
    const blocked = (path: string) => consoleMessages.filter((message) => message.includes('blocked by CORS policy') && message.includes(path)).length;
    await expect.poll(() => blocked('/settings')).toBe(1);
    await expect.poll(() => blocked('/v1/t'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await eventsOf({ anonymousId: outcome.anonymousId, messageIds: ['elsewhere-fetch', 'elsewhere-beacon'] })).toEqual([]);
    // The settings and analytics.js's preflight were refused; the fetch and the beacon, which the browser
    // sends without asking, reached the engine and were refused by it.
    expect(served).toEqual(expect.arrayContaining(['GET /v1/projects/…/settings 403', 'OPTIONS /v1/t 403']));
    expect(served.filter((line) => line === 'POST /v1/t 403')).toHaveLength(2);
    expect(served.filter((line) => line.endsWith(' 200'))).toEqual(['GET /v1/projects/…/settings 200']);
    await page.close();
  });
});
