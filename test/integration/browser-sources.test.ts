// The CORS rules of browser sources over HTTP (api/browser-sources.ts with the real authenticator and a
// real database), the keys that may carry origins, and `npm run keys -- --origins`.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, requirePrincipal } from '../../api/auth.js';
import { createBrowserSources, SOURCE_SETTINGS_PATH } from '../../api/browser-sources.js';
import { registerErrorHandler } from '../../api/errors.js';
import { createApiKey, findActiveApiKey, listBrowserSources, setApiKeyOrigins, type ApiKeyDatabase } from '../../db/api-key.repository.js';
import type { ApiKeyTable } from '../../db/api-key.types.js';
import type { Database } from '../../db/database.js';
import { LOCAL_BROWSER_ORIGINS } from '../../domain/browser-origins.js';
import { TrackEvent } from '../../domain/events.js';
import { ensureLocalKeys } from '../../scripts/local/local-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOP = 'https://shop.example';

describe('browser sources', () => {
  let database: TestDatabase;
  let db: Kysely<Database & ApiKeyDatabase>;
  let app: FastifyInstance;
  const logs: string[] = [];
  const keys = { shop: '', anywhere: '', server: '', admin: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db.withTables<{ api_keys: ApiKeyTable }>();
    keys.shop = (await createApiKey(db, { name: 'shop', role: 'write', allowedOrigins: [SHOP, 'https://www.shop.example'] })).key;
    keys.server = (await createApiKey(db, { name: 'crm', role: 'write' })).key;
    keys.admin = (await createApiKey(db, { name: 'ops', role: 'admin' })).key;

    // The browser-source hooks on a route shaped like /v1/track (and its /v1/t alias) that answers
    // with what it received instead of storing it, so each rule is checked by its HTTP answer alone.
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(chunk.toString()), done()) });
    const server = Fastify({ logger: { level: 'info', stream, redact: ['req.headers.authorization'] } }).withTypeProvider<ZodTypeProvider>();
    server.setValidatorCompiler(validatorCompiler);
    server.setSerializerCompiler(serializerCompiler);
    registerErrorHandler(server);
    // No caching: each request sees the keys as the test just left them.
    const auth = createAuthenticator(db, { cacheTtlMs: 0 });
    const browser = createBrowserSources(db, auth, { cacheTtlMs: 0 });
    browser.registerRoutes(server, ['/v1/track', '/v1/t']);
    for (const url of ['/v1/track', '/v1/t']) {
      server.post(url, { ...browser.ingestionHooks(auth.requireRole('write', 'admin')), schema: { body: TrackEvent } }, async (request) => ({
        key: requirePrincipal(request).name,
        body: request.body,
      }));
    }
    server.get('/v1/contacts', async () => ({ contacts: [] }));
    await server.ready();
    app = server;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const event = { type: 'track', event: 'guide_requested', messageId: 'm-1', anonymousId: 'a-1', properties: { guide: 'pricing' } };
  const post = (headers: Record<string, string>, body: unknown = { ...event, writeKey: keys.shop }, url = '/v1/t') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain', ...headers }, payload: JSON.stringify(body) });
  const preflight = (origin: string, url = '/v1/t') =>
    app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
  const corsHeaders = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-')));

  describe('preflights, which carry no key', () => {
    it('are allowed for an origin some browser source lists, with the origin echoed and credentials allowed', async () => {
      const response = await preflight('https://www.shop.example');
      expect(response.statusCode).toBe(204);
      expect(response.headers).toMatchObject({ vary: 'Origin' });
      expect(corsHeaders(response.headers)).toEqual({
        'access-control-allow-origin': 'https://www.shop.example',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding, X-Retry-Count',
        'access-control-max-age': '600',
      });
    });

    it('are refused without any Access-Control header for any other origin', async () => {
      for (const origin of ['https://evil.example', 'http://shop.example', 'https://shop.example:8443', 'null']) {
        const response = await preflight(origin);
        expect(response.statusCode, origin).toBe(403);
        expect(corsHeaders(response.headers), origin).toEqual({});
      }
    });
  });

  describe('requests', () => {
    it('take the write key from a text/plain JSON body, which the route never sees, and answer an allowed origin with its CORS headers', async () => {
      const response = await post({ origin: SHOP });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ key: 'shop', body: event });
      expect(corsHeaders(response.headers)).toEqual({ 'access-control-allow-origin': SHOP, 'access-control-allow-credentials': 'true' });
      // analytics.js: the key in the header too, userId null for a visitor not identified yet; a batch's events each carry the key.
      const both = await post({ origin: SHOP, authorization: `Basic ${Buffer.from(`${keys.shop}:`).toString('base64')}` }, { ...event, userId: null, writeKey: keys.shop });
      expect(both.json()).toEqual({ key: 'shop', body: event });
    });

    it('refuse an origin the key does not list, storing nothing: the answer carries no CORS header for it', async () => {
      const response = await post({ origin: 'https://evil.example' });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'origin_not_allowed' });
      expect(corsHeaders(response.headers)).toEqual({});
    });

    it('refuse a key that is no browser source, and an admin key, from any page', async () => {
      const server = await post({ origin: SHOP }, { ...event, writeKey: keys.server });
      expect(server.statusCode).toBe(403);
      expect(server.json()).toMatchObject({ error: 'origin_not_allowed' });
      const admin = await post({ origin: SHOP, authorization: `Bearer ${keys.admin}` });
      expect(admin.statusCode).toBe(403);
      expect(admin.json()).toMatchObject({ error: 'origin_not_allowed' });
      // An admin key in a body is refused outright: the body is for the write key analytics.js holds.
      const adminInBody = await post({}, { ...event, writeKey: keys.admin });
      expect(adminInBody.statusCode).toBe(403);
      expect(adminInBody.json().message).toContain('must be a write key');
      // Without an Origin (a server, curl) the same keys send as before.
      expect((await post({}, { ...event, writeKey: keys.server })).statusCode).toBe(200);
      expect((await post({ authorization: `Bearer ${keys.admin}` }, event)).statusCode).toBe(200);
    });

    it('answer 401 and 400 as before, readable by a page of a listed origin', async () => {
      const missing = await post({ origin: SHOP }, event);
      expect(missing.statusCode).toBe(401);
      expect(missing.json().message).toContain('"writeKey" in the JSON body');
      expect(corsHeaders(missing.headers)).toMatchObject({ 'access-control-allow-origin': SHOP });
      const malformed = await post({ origin: SHOP }, { ...event, writeKey: 'not-a-key' });
      expect(malformed.statusCode).toBe(401);
      const invalid = await post({ origin: SHOP }, { ...event, writeKey: keys.shop, properties: { email: 42 } });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().issues).toEqual([{ path: 'properties.email', message: expect.any(String) }]);
      const notJson = await app.inject({ method: 'POST', url: '/v1/t', headers: { 'content-type': 'text/plain', origin: SHOP }, payload: '{"type":' });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().issues[0].path).toBe('(body)');
    });

    it('allow any origin only for a key that lists *', async () => {
      expect((await preflight('https://anywhere.example')).statusCode).toBe(403);
      keys.anywhere = (await createApiKey(db, { name: 'widget', role: 'write', allowedOrigins: ['*'] })).key;
      const open = await preflight('https://anywhere.example');
      expect(open.statusCode).toBe(204);
      // Echoed, never "*": a credentialed request (sendBeacon) is readable only with its own origin.
      expect(open.headers['access-control-allow-origin']).toBe('https://anywhere.example');
      expect((await post({ origin: 'https://anywhere.example' }, { ...event, writeKey: keys.anywhere })).statusCode).toBe(200);
      // The shop's key still allows only the shop.
      expect((await post({ origin: 'https://anywhere.example' })).statusCode).toBe(403);
    });

    it('add no CORS header on other routes', async () => {
      const other = await app.inject({ method: 'GET', url: '/v1/contacts', headers: { origin: SHOP } });
      expect(corsHeaders(other.headers)).toEqual({});
    });
  });

  describe('settings for analytics.js', () => {
    const settings = (writeKey: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: SOURCE_SETTINGS_PATH.replace(':writeKey', writeKey), headers: { host: 'relance.example:8080', ...headers } });

    it("point analytics.js's Segment.io destination at this API, for a page of a listed origin", async () => {
      const response = await settings(keys.shop, { origin: SHOP });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        integrations: { 'Segment.io': { apiKey: keys.shop, apiHost: 'relance.example:8080/v1', protocol: 'http', addBundledMetadata: false } },
        metrics: { sampleRate: 0 },
        remotePlugins: [],
      });
      expect(corsHeaders(response.headers)).toEqual({ 'access-control-allow-origin': SHOP, 'access-control-allow-credentials': 'true' });
    });

    it('are refused to other pages, to keys that are no browser source, and for unknown keys', async () => {
      expect((await settings(keys.shop, { origin: 'https://evil.example' })).statusCode).toBe(403);
      expect((await settings(keys.server)).json()).toMatchObject({ error: 'not_a_browser_source' });
      expect((await settings(keys.admin)).statusCode).toBe(404);
      expect((await settings(`rlw_${'0'.repeat(32)}`)).statusCode).toBe(404);
      expect((await settings('nonsense')).statusCode).toBe(404);
    });
  });

  it('never logs a write key, from the body or the settings path', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const key of Object.values(keys)) expect(logs.join('')).not.toContain(key.slice(4));
  });

  describe('which keys may carry origins', () => {
    it('only write keys: creating or updating an admin or sales key with origins is refused, by the code and by the table', async () => {
      await expect(createApiKey(db, { name: 'ops', role: 'admin', allowedOrigins: [SHOP] })).rejects.toThrow('only a write key may allow browser origins');
      await expect(createApiKey(db, { name: 'rep', role: 'sales', owner: 'rep@example.com', allowedOrigins: [SHOP] })).rejects.toThrow('only a write key');
      const admin = await findActiveApiKey(db, keys.admin);
      expect(await setApiKeyOrigins(db, admin!.id, [SHOP])).toBe('not_a_write_key');
      await expect(sql`update api_keys set allowed_origins = array['https://shop.example'] where id = ${admin!.id}`.execute(db)).rejects.toThrow(
        /api_keys_origins_only_on_write_keys/,
      );
      expect((await findActiveApiKey(db, keys.admin))?.allowed_origins).toBeNull();
    });

    it('a write key gains, changes and loses its origins', async () => {
      const crm = await findActiveApiKey(db, keys.server);
      expect(await setApiKeyOrigins(db, crm!.id, ['https://crm.example'])).toBe('updated');
      expect(await listBrowserSources(db)).toContainEqual({ id: crm!.id, allowedOrigins: ['https://crm.example'] });
      expect(await setApiKeyOrigins(db, crm!.id, null)).toBe('updated');
      expect((await listBrowserSources(db)).map((source) => source.id)).not.toContain(crm!.id);
    });

    it("npm start's local write key allows pages served from this machine", async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-browser-keys-'));
      try {
        const local = await ensureLocalKeys(db, dataDir);
        expect((await findActiveApiKey(db, local.writeKey))?.allowed_origins).toEqual(LOCAL_BROWSER_ORIGINS);
        expect((await findActiveApiKey(db, local.adminKey))?.allowed_origins).toBeNull();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('npm run keys', () => {
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const run = (...args: string[]) =>
      spawnSync(tsx, ['scripts/keys.ts', ...args], { cwd: root, env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url }, encoding: 'utf8', timeout: 30_000 });

    it('creates a browser source with --origins, changes them, and refuses them on an admin key', async () => {
      const created = run('create', '--role', 'write', '--name', 'site', '--origins', 'https://shop.example,https://WWW.shop.example/');
      expect(created.status, created.stderr).toBe(0);
      expect(created.stderr).toContain('usable from pages of https://shop.example, https://www.shop.example');
      const row = await findActiveApiKey(db, created.stdout.trim());
      expect(row?.allowed_origins).toEqual(['https://shop.example', 'https://www.shop.example']);

      expect(run('origins', row!.id, '--origins', 'http://localhost:*').status).toBe(0);
      expect((await findActiveApiKey(db, created.stdout.trim()))?.allowed_origins).toEqual(['http://localhost:*']);
      expect(run('list').stdout).toContain('http://localhost:*');

      expect(run('create', '--role', 'admin', '--name', 'x', '--origins', SHOP)).toMatchObject({ status: 2, stderr: expect.stringContaining('for write keys only') });
      expect(run('create', '--role', 'write', '--name', 'x', '--origins', 'shop.example')).toMatchObject({ status: 2, stderr: expect.stringContaining('"shop.example" is not an origin') });
      const admin = await findActiveApiKey(db, keys.admin);
      expect(run('origins', admin!.id, '--origins', SHOP)).toMatchObject({ status: 1, stderr: expect.stringContaining('for write keys only') });
    });
  });
});
