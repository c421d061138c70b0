import cookie from '@fastify/cookie';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  clearLoginFailures,
  ConsoleUserExistsError,
  createConsoleUser,
  createSession,
  decoyPasswordHash,
  deleteSession,
  disableConsoleUser,
  findSessionUser,
  findUserForLogin,
  listConsoleUsers,
  normaliseEmail,
  recentLoginFailures,
  recordLoginFailure,
  verifyPassword,
  type ConsoleUser,
  type ConsoleUserDatabase,
} from '../db/console-user.repository.js';
import type { Db } from '../db/connection.js';
import { ConsoleLogin, ConsoleRole, NewConsoleUser } from '../domain/console.js';
import type { ApiInstance } from './app.js';
import type { Authenticator, Principal } from './auth.js';
import { ErrorResponse, HttpError } from './errors.js';

// Console users authenticate with a session cookie; machines keep their API keys. The decision:
// server-side sessions (a row per login, the cookie a random token whose SHA-256 is the row's key,
// signed so a forged cookie is refused without a query). Logout, disabling a user and expiry act on
// the next request in every API process; a stateless signed token would need a revocation list,
// which is a sessions table by another name. The console is same-origin, so the cookie is
// SameSite=Strict and httpOnly; on top, every state-changing request authenticated by the cookie
// must carry X-CSRF-Token (an HMAC of the session token, given to the page by /console/api/session)
// and, when the browser sends one, an Origin of this host.

export const SESSION_COOKIE = 'relance_session';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_HOURS = 12;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface LoginLimits {
  /** Failed logins of one address within the window before it is refused with 429. */
  perAddress: number;
  /** Failed logins from one IP (any address) within the window: higher, offices share an address. */
  perIp: number;
  windowMs: number;
}
const DEFAULT_LIMITS: LoginLimits = { perAddress: 5, perIp: 20, windowMs: 15 * 60_000 };

// Admin-level routes a marketer may not call: people, settings and erasure stay with admins.
// Keyed by method and route pattern, as Fastify names the route that matched.
const ADMIN_ONLY_ROUTES = new Set([
  'GET /v1/scoring-model',
  'PUT /v1/scoring-model',
  'GET /v1/scoring-model/rescores/:version',
  'GET /v1/handoff/routing-rules',
  'PUT /v1/handoff/routing-rules',
  'GET /v1/sales/reps',
  'PUT /v1/sales/reps/:email',
  'GET /v1/api-keys',
  'POST /v1/api-keys',
  'POST /v1/api-keys/:id/revoke',
  'DELETE /v1/contacts/:id',
  'GET /console/api/users',
  'POST /console/api/users',
  'POST /console/api/users/:email/disable',
]);

/** The API role a console role acts with: a marketer is an admin outside ADMIN_ONLY_ROUTES, a sales user is the rep named by their e-mail. */
function principalOf(user: ConsoleUser): Principal {
  return {
    keyId: `console-user:${user.id}`,
    role: user.role === 'sales' ? 'sales' : 'admin',
    name: user.email,
    owner: user.role === 'sales' ? user.email : null,
  };
}

export interface ConsoleAuth {
  /**
   * The hook `requireRole` asks before reading an API key: undefined when the request carries no
   * session cookie; the console user's principal when it does; throws 401 for an ended session and
   * 403 for a missing CSRF token or a route the user's role may not call.
   */
  session(request: FastifyRequest): Promise<Principal | undefined>;
}

export interface ConsoleAuthOptions {
  db: Db;
  /** The deployment's secret (RELANCE_SECRET); cookie keys are derived from it. */
  secret: string | undefined;
  limits?: Partial<LoginLimits>;
}

interface ConsoleContext {
  db: Kysely<ConsoleUserDatabase>;
  csrfKey: Buffer;
  limits: LoginLimits;
}
const contexts = new WeakMap<ConsoleAuth, ConsoleContext>();

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`relance console ${purpose}`).digest();
}

const csrfTokenOf = (csrfKey: Buffer, sessionToken: string) => createHmac('sha256', csrfKey).update(sessionToken).digest('base64url');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A browser's Origin, when it sends one, must be this host: a page elsewhere cannot drive the console. */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) throw new HttpError(403, 'forbidden', 'cross-origin request refused: the console is served by this API only');
}

function sessionTokenOf(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (raw === undefined || raw === '') return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value !== null ? unsigned.value : '';
}

/**
 * Registers the cookie parser (before any route, so every route's hooks see cookies) and returns
 * the session hook for `createAuthenticator`.
 */
export async function createConsoleAuth(app: ApiInstance, options: ConsoleAuthOptions): Promise<ConsoleAuth> {
  // Without a configured secret (a test, a one-off process) sessions last as long as the process.
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  await app.register(cookie, { secret: derive(secret, 'cookie signing').toString('base64url') });
  const csrfKey = derive(secret, 'csrf');
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  // The shared Database type does not list the console's tables (they belong to this module and
  // its repository alone); Kysely's invariant database type needs the cast api-key.repository uses.
  const db = options.db as unknown as Kysely<ConsoleUserDatabase>;

  const auth: ConsoleAuth = {
    async session(request) {
      const token = sessionTokenOf(request);
      if (token === undefined) return undefined;
      const user = token === '' ? undefined : await findSessionUser(db, token);
      if (user === undefined) throw new HttpError(401, 'unauthorized', 'your console session has ended: log in again');
      if (!SAFE_METHODS.has(request.method)) {
        checkOrigin(request);
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameText(sent, csrfTokenOf(csrfKey, token))) {
          throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header: a console request that changes something must carry the session's CSRF token`);
        }
      }
      if (user.role === 'marketer' && ADMIN_ONLY_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`)) {
        throw new HttpError(403, 'forbidden', 'a marketer cannot change people, settings or erase contacts: ask an admin');
      }
      return principalOf(user);
    },
  };
  contexts.set(auth, { db, csrfKey, limits });
  return auth;
}

const SessionResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: ConsoleRole }),
  csrfToken: z.string().describe(`send it back as ${CSRF_HEADER} on every request that changes something`),
  expiresAt: z.string(),
});
const UserView = z.object({ id: z.string(), email: z.string(), role: ConsoleRole, disabledAt: z.string().nullable(), createdAt: z.string() });
const toView = (user: ConsoleUser) => ({ ...user, disabledAt: user.disabledAt?.toISOString() ?? null, createdAt: user.createdAt.toISOString() });

function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the request came over TLS; the local http://127.0.0.1 engine could not keep a Secure cookie.
    secure: 'auto',
    path: '/',
    expires: expiresAt,
  });
}

export function registerConsoleRoutes(app: ApiInstance, deps: { consoleAuth: ConsoleAuth; auth: Authenticator }): void {
  const context = contexts.get(deps.consoleAuth);
  if (context === undefined) throw new Error('registerConsoleRoutes needs the ConsoleAuth of createConsoleAuth');
  const { db, csrfKey, limits } = context;
  const tags = ['console'];
  const admin = deps.auth.requireRole('admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

  app.post(
    '/console/api/login',
    { schema: { summary: 'Log in to the console with e-mail and password: sets the session cookie', tags, security: [], body: ConsoleLogin, response: { 200: SessionResponse, ...errors } } },
    async (request, reply) => {
      // Login CSRF: a page elsewhere must not log a browser into the attacker's account.
      checkOrigin(request);
      const email = normaliseEmail(request.body.email);
      const subjects = [`email:${email}`, `ip:${request.ip}`];
      const recent = await recentLoginFailures(db, subjects, limits.windowMs);
      const blocked = recent.filter((row) => row.failures >= (row.subject.startsWith('ip:') ? limits.perIp : limits.perAddress));
      if (blocked.length > 0) {
        const until = Math.max(...blocked.map((row) => row.oldest.getTime() + limits.windowMs));
        reply.header('retry-after', String(Math.max(1, Math.ceil((until - Date.now()) / 1000))));
        throw new HttpError(429, 'too_many_attempts', 'too many failed logins: wait before trying again');
      }
      const user = await findUserForLogin(db, email);
      const matches = await verifyPassword(request.body.password, user?.passwordHash ?? (await decoyPasswordHash()));
      if (user === undefined || !matches || user.disabledAt !== null) {
        await recordLoginFailure(db, subjects, limits.windowMs);
        throw new HttpError(401, 'unauthorized', 'wrong e-mail or password, or this login is disabled');
      }
      await clearLoginFailures(db, `email:${email}`);
      const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
      const token = await createSession(db, user.id, expiresAt);
      setSessionCookie(reply, token, expiresAt);
      return { user: { id: user.id, email: user.email, role: user.role }, csrfToken: csrfTokenOf(csrfKey, token), expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    '/console/api/session',
    { schema: { summary: 'The logged-in console user and the CSRF token of their session', tags, security: [], response: { 200: SessionResponse, ...errors } } },
    async (request) => {
      const token = sessionTokenOf(request);
      const user = token === undefined || token === '' ? undefined : await findSessionUser(db, token);
      if (token === undefined || user === undefined) throw new HttpError(401, 'unauthorized', 'not logged in');
      return { user: { id: user.id, email: user.email, role: user.role }, csrfToken: csrfTokenOf(csrfKey, token), expiresAt: user.expiresAt.toISOString() };
    },
  );

  app.post(
    '/console/api/logout',
    { schema: { summary: 'End the console session: the cookie stops working at once, in every API process', tags, security: [], response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token !== undefined && token !== '') {
        // Logging out is state-changing too: a page elsewhere must not end someone's session.
        checkOrigin(request);
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameText(sent, csrfTokenOf(csrfKey, token))) throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header`);
        await deleteSession(db, token);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/console/api/users',
    { onRequest: admin, schema: { summary: 'Console users (admin)', tags, response: { 200: z.object({ users: z.array(UserView) }), ...errors } } },
    async () => ({ users: (await listConsoleUsers(db)).map(toView) }),
  );

  app.post(
    '/console/api/users',
    { onRequest: admin, schema: { summary: 'Create a console user (admin)', tags, body: NewConsoleUser, response: { 201: UserView, ...errors } } },
    async (request, reply) => {
      try {
        return reply.status(201).send(toView(await createConsoleUser(db, request.body)));
      } catch (error) {
        if (error instanceof ConsoleUserExistsError) throw new HttpError(409, 'conflict', error.message, [{ path: 'email', message: 'already a console user' }]);
        throw error;
      }
    },
  );

  app.post(
    '/console/api/users/:email/disable',
    { onRequest: admin, schema: { summary: 'Disable a console user and end their sessions (admin)', tags, params: z.object({ email: z.email() }), response: { 200: z.object({ disabled: z.boolean() }), ...errors } } },
    async (request) => {
      if (!(await disableConsoleUser(db, request.params.email))) throw new HttpError(404, 'not_found', `no enabled console user ${request.params.email}`);
      return { disabled: true };
    },
  );
}
