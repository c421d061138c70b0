import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAuthenticator, requirePrincipal, WWW_AUTHENTICATE, type Authenticator } from '../../api/auth.js';
import { registerErrorHandler } from '../../api/errors.js';
import { createApiKey, findActiveApiKey, listApiKeys, revokeApiKey, type ApiKeyDatabase } from '../../db/api-key.repository.js';
import type { ApiKeyTable } from '../../db/api-key.types.js';
import type { Database } from '../../db/database.js';
import { ensureLocalKeys, LOCAL_KEYS_FILE } from '../../scripts/local/local-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const basic = (username: string, password = '') => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Counts the queries that read api_keys, to show which authentications reach the database. */
function countingLookups<DB>(db: Kysely<DB>): { db: Kysely<DB>; lookups: () => number } {
  let lookups = 0;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind === 'SelectQueryNode') lookups += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), lookups: () => lookups };
}

describe('API keys', () => {
  let database: TestDatabase;
  // withTables: lets this file compile whether or not Database lists api_keys yet.
  let db: Kysely<Database & ApiKeyDatabase>;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db.withTables<{ api_keys: ApiKeyTable }>();
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe('the repository', () => {
    it('returns the key once and stores only its SHA-256 and a 12-character prefix', async () => {
      const created = await createApiKey(db, { name: 'website', role: 'write' });
      expect(created.key).toMatch(/^rlw_[0-9A-Za-z]{32}$/);
      expect(created).toMatchObject({ role: 'write', name: 'website', prefix: created.key.slice(0, 12) });

      const { rows } = await sql<Record<string, unknown>>`select * from api_keys where id = ${created.id}`.execute(db);
      expect(rows).toEqual([
        expect.objectContaining({ key_hash: sha256(created.key), key_prefix: created.key.slice(0, 12), role: 'write', owner: null, revoked_at: null }),
      ]);
      expect(JSON.stringify(rows)).not.toContain(created.key);
    });

    it('prefixes keys by role and ties a sales key to its owner', async () => {
      const admin = await createApiKey(db, { name: 'ops', role: 'admin' });
      const sales = await createApiKey(db, { name: 'Marie', role: 'sales', owner: 'team-west' });
      expect(admin.key).toMatch(/^rla_/);
      expect(sales.key).toMatch(/^rls_/);
      const till = await createApiKey(db, { name: 'till 1', role: 'shop' });
      expect(till.key).toMatch(/^rlp_[0-9A-Za-z]{32}$/);
      expect(await findActiveApiKey(db, till.key)).toMatchObject({ role: 'shop', owner: null });
      expect(await findActiveApiKey(db, sales.key)).toMatchObject({ role: 'sales', owner: 'team-west' });
      await expect(createApiKey(db, { name: 'Paul', role: 'sales' })).rejects.toThrow('a sales key needs an owner');
    });

    it('lists keys without their hashes, and revokes once', async () => {
      const created = await createApiKey(db, { name: 'shop', role: 'write' });
      const listed = await listApiKeys(db);
      expect(listed).toContainEqual(expect.objectContaining({ id: created.id, name: 'shop', key_prefix: created.prefix }));
      for (const key of listed) expect(key).not.toHaveProperty('key_hash');

      expect(await revokeApiKey(db, created.id)).toBe(true);
      expect(await revokeApiKey(db, created.id)).toBe(false);
      expect(await revokeApiKey(db, 'not-a-uuid')).toBe(false);
      expect(await findActiveApiKey(db, created.key)).toBeUndefined();
    });
  });

  describe('authenticate', () => {
    it('accepts a key as the Basic username (Segment), as the Basic password, and as a Bearer token', async () => {
      const auth = createAuthenticator(db, { cacheTtlMs: 0 });
      const { id, key } = await createApiKey(db, { name: 'website', role: 'write' });
      const principal = { keyId: id, role: 'write', name: 'website', owner: null };
      expect(await auth.authenticate(basic(key))).toEqual(principal);
      expect(await auth.authenticate(basic('anything', key))).toEqual(principal);
      expect(await auth.authenticate(`Bearer ${key}`)).toEqual(principal);
    });

    it('says whether a key is missing, malformed, unknown or revoked, never echoing it', async () => {
      const auth = createAuthenticator(db, { cacheTtlMs: 0 });
      const { id, key } = await createApiKey(db, { name: 'old site', role: 'write' });
      await revokeApiKey(db, id);
      const unknownKey = `rlw_${'x'.repeat(32)}`;
      const results = {
        missing: await auth.authenticate(undefined),
        malformed: await auth.authenticate('Basic %%%'),
        unknown: await auth.authenticate(`Bearer ${unknownKey}`),
        revoked: await auth.authenticate(basic(key)),
      };
      for (const [reason, result] of Object.entries(results)) expect(result).toMatchObject({ reason });
      expect(JSON.stringify(results)).not.toContain(key.slice(4));
      expect(JSON.stringify(results)).not.toContain(unknownKey.slice(4));
    });

    it('answers repeated keys, known or not, from its cache, and stops accepting a revoked key within the TTL', async () => {
      let clock = 0;
      const counted = countingLookups(db);
      const auth = createAuthenticator(counted.db, { cacheTtlMs: 30_000, now: () => clock });
      const { id, key } = await createApiKey(db, { name: 'busy site', role: 'write' });
      const before = counted.lookups();

      await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(basic(key))));
      for (let i = 0; i < 3; i += 1) await auth.authenticate(`Bearer rlw_${'u'.repeat(32)}`);
      expect(counted.lookups() - before).toBe(2);

      await revokeApiKey(db, id);
      clock += 29_000;
      expect(await auth.authenticate(basic(key))).toMatchObject({ keyId: id });
      clock += 1_000;
      expect(await auth.authenticate(basic(key))).toMatchObject({ reason: 'revoked' });
    });

    it('records when a key was last used, without making the request wait for it', async () => {
      const auth = createAuthenticator(db, { cacheTtlMs: 0 });
      const { id, key } = await createApiKey(db, { name: 'crm', role: 'write' });
      await auth.authenticate(basic(key));
      await vi.waitFor(async () => {
        const [listed] = (await listApiKeys(db)).filter((row) => row.id === id);
        expect(listed?.last_used_at).toBeInstanceOf(Date);
      });
    });
  });

  describe('over HTTP', () => {
    let app: FastifyInstance;
    let auth: Authenticator;
    const logs: string[] = [];
    let writeKey: string;
    let adminKey: string;
    let salesKey: string;
    let adminId: string;

    beforeAll(async () => {
      auth = createAuthenticator(db, { cacheTtlMs: 0 });
      ({ key: writeKey } = await createApiKey(db, { name: 'website', role: 'write' }));
      ({ key: adminKey, id: adminId } = await createApiKey(db, { name: 'ops', role: 'admin' }));
      ({ key: salesKey } = await createApiKey(db, { name: 'Marie', role: 'sales', owner: 'team-west' }));

      // The app's own logger settings, at the most verbose level, to see that no key is ever logged.
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString());
          done();
        },
      });
      const typed = Fastify({ logger: { level: 'trace', stream, redact: ['req.headers.authorization'] } }).withTypeProvider<ZodTypeProvider>();
      typed.setValidatorCompiler(validatorCompiler);
      typed.setSerializerCompiler(serializerCompiler);
      registerErrorHandler(typed);
      typed.get('/admin/whoami', { onRequest: auth.requireRole('admin') }, async (request) => requirePrincipal(request));
      typed.post(
        '/v1/track',
        { onRequest: auth.requireRole('write', 'admin'), schema: { body: z.object({ event: z.string() }) } },
        async (request) => ({ event: request.body.event, by: request.principal?.name }),
      );
      await typed.ready();
      app = typed;
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lets an admin key in and exposes who it is to the handler', async () => {
      const response = await app.inject({ method: 'GET', url: '/admin/whoami', headers: { authorization: `Bearer ${adminKey}` } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ keyId: adminId, role: 'admin', name: 'ops', owner: null });
    });

    it('lets a write key send events, by Basic as Segment does', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/track', headers: { authorization: basic(writeKey) }, payload: { event: 'x' } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ event: 'x', by: 'website' });
    });

    it.each([
      ['write', () => writeKey, 'a write key can only send events: this endpoint needs an admin key'],
      ['sales', () => salesKey, 'a sales key can only work on its own leads: this endpoint needs an admin key'],
    ])('refuses a %s key on an admin route with 403 naming the role', async (_role, key, message) => {
      const response = await app.inject({ method: 'GET', url: '/admin/whoami', headers: { authorization: `Bearer ${key()}` } });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'forbidden', message });
    });

    it.each([
      ['no Authorization header', undefined, 'missing API key'],
      ['malformed Basic credentials', 'Basic not*base64', 'malformed Basic credentials'],
      ['an unknown key', `Bearer rla_${'0'.repeat(32)}`, 'unknown API key'],
    ])('answers %s with 401 and a WWW-Authenticate challenge', async (_case, authorization, message) => {
      const response = await app.inject({ method: 'GET', url: '/admin/whoami', headers: authorization === undefined ? {} : { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(response.json()).toEqual({ error: 'unauthorized', message: expect.stringContaining(message) });
    });

    it('refuses a revoked key with 401 before looking at the body', async () => {
      const { id, key } = await createApiKey(db, { name: 'retired', role: 'write' });
      await revokeApiKey(db, id);
      const response = await app.inject({ method: 'POST', url: '/v1/track', headers: { authorization: basic(key) }, payload: { event: 'x' } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'unauthorized', message: 'this API key has been revoked' });
    });

    it('never writes a key to the log', async () => {
      await app.inject({ method: 'GET', url: '/admin/whoami', headers: { authorization: `Bearer ${writeKey}` } });
      expect(logs.length).toBeGreaterThan(0);
      for (const key of [writeKey, adminKey, salesKey]) expect(logs.join('')).not.toContain(key.slice(4));
    });
  });

  describe('npm run keys', () => {
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const keys = (...args: string[]) =>
      spawnSync(tsx, ['scripts/keys.ts', ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url },
        encoding: 'utf8',
        timeout: 30_000,
      });

    it('creates a key shown once, lists it by prefix, and revokes it', async () => {
      const created = keys('create', '--role', 'sales', '--name', 'Paul', '--owner', 'team-east');
      expect(created.stderr).toContain('shown only this once');
      expect(created.status).toBe(0);
      const key = created.stdout.trim();
      const auth = createAuthenticator(db, { cacheTtlMs: 0 });
      const principal = await auth.authenticate(`Bearer ${key}`);
      expect(principal).toMatchObject({ role: 'sales', name: 'Paul', owner: 'team-east' });

      const listed = keys('list');
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain(key.slice(0, 12));
      expect(listed.stdout).not.toContain(key);

      const id = 'keyId' in principal ? principal.keyId : '';
      expect(keys('revoke', id).status).toBe(0);
      expect(await auth.authenticate(`Bearer ${key}`)).toMatchObject({ reason: 'revoked' });
    });

    it('explains its usage on a bad command line', () => {
      expect(keys('create', '--role', 'root', '--name', 'x')).toMatchObject({ status: 2, stderr: expect.stringContaining('--role write, admin, sales or shop') });
    });
  });

  describe('local keys of npm start', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'relance-keys-'));
    });
    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('creates a write and an admin key on the first start, saved owner-only, and reuses them later', async () => {
      const auth = createAuthenticator(db, { cacheTtlMs: 0 });
      const first = await ensureLocalKeys(db, dataDir);
      expect(await auth.authenticate(basic(first.writeKey))).toMatchObject({ role: 'write', name: 'local website' });
      expect(await auth.authenticate(`Bearer ${first.adminKey}`)).toMatchObject({ role: 'admin', name: 'local admin' });
      const file = path.join(dataDir, LOCAL_KEYS_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject(first);

      expect(await ensureLocalKeys(db, dataDir)).toEqual(first);
    });

    it('replaces a revoked key and a lost file', async () => {
      const before = await ensureLocalKeys(db, dataDir);
      const write = await findActiveApiKey(db, before.writeKey);
      await revokeApiKey(db, write!.id);
      const after = await ensureLocalKeys(db, dataDir);
      expect(after.adminKey).toBe(before.adminKey);
      expect(after.writeKey).not.toBe(before.writeKey);
      expect(await findActiveApiKey(db, after.writeKey)).toMatchObject({ role: 'write', name: 'local website' });

      await unlink(path.join(dataDir, LOCAL_KEYS_FILE));
      const fresh = await ensureLocalKeys(db, dataDir);
      expect(fresh.writeKey).not.toBe(after.writeKey);
      expect(JSON.parse(await readFile(path.join(dataDir, LOCAL_KEYS_FILE), 'utf8'))).toMatchObject(fresh);
    });
  });
});
