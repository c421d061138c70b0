import type { FastifyReply, FastifyRequest, onSendHookHandler, preValidationHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { listBrowserSources, looksLikeApiKey, type ApiKeyDatabase } from '../db/api-key.repository.js';
import { OriginSet } from '../domain/browser-origins.js';
import type { ApiInstance } from './app.js';
import { isAuthFailure, WWW_AUTHENTICATE, type AuthHook, type Authenticator, type Principal } from './auth.js';
import { ErrorResponse, HttpError } from './errors.js';

// Browsers as senders, the way Segment's analytics.js (@segment/analytics-next) sends:
//
// - It posts to `<apiHost>/t|p|i|g|a` (the first letter of the call) and, batching, to `/b`, with
//   `Content-Type: text/plain` and the write key both as Basic credentials and as `writeKey` in the
//   JSON body. Those short paths are aliases of /v1/track… (api/routes/events.ts); a text/plain body
//   on them is read as JSON; the key is taken from the body when no Authorization header came.
// - Its Authorization header makes the browser ask first (CORS preflight, OPTIONS), and a preflight
//   carries no key: it is answered from the origins of every browser source together. The request
//   that follows is then checked against its own key's origins. A request a browser sends without
//   asking (sendBeacon or fetch with a text/plain body and the key in it) still carries its Origin,
//   and is refused unless its key allows that origin: CORS alone would only hide the answer from the
//   page, not stop the event from being stored.
// - Before anything it fetches `<cdnURL>/v1/projects/<writeKey>/settings`; Relance serves those
//   settings itself, pointing analytics.js's Segment.io destination back at this API, so a page
//   needs only `AnalyticsBrowser.load({ writeKey, cdnURL: 'https://relance.example' })`.
//
// Allowed origins are echoed (never `*`) with Access-Control-Allow-Credentials: sendBeacon and
// `credentials: 'include'` send the browser's cookies, and a credentialed request is readable only
// with an echoed origin and that header. Nothing on these routes reads cookies (a key authenticates,
// never a console session), so allowing credentials gives a page nothing it could not do without.

/** The short paths analytics.js posts to, and the route each one is. */
export const SEGMENT_SHORT_PATHS: Readonly<Record<string, string>> = {
  '/v1/track': '/v1/t',
  '/v1/page': '/v1/p',
  '/v1/identify': '/v1/i',
  '/v1/group': '/v1/g',
  '/v1/alias': '/v1/a',
  '/v1/batch': '/v1/b',
};

export const SOURCE_SETTINGS_PATH = '/v1/projects/:writeKey/settings';

// What analytics.js sends (Authorization, Content-Type; X-Retry-Count on a retry), and gzip bodies.
const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, Content-Encoding, X-Retry-Count';
// Short enough that a key's origins removed by `npm run keys -- origins` stop preflights soon; the
// request itself is checked against its key every time anyway.
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const MESSAGES = {
  missing:
    'missing API key: send it as HTTP Basic credentials (the key as the username), as "Authorization: Bearer <key>", or as "writeKey" in the JSON body (analytics.js)',
  malformedBodyKey: 'malformed writeKey: a Relance write key is rlw_ followed by 32 letters and digits',
  bodyKeyRole: 'the writeKey in a body must be a write key: send an admin key in the Authorization header',
} as const;

interface Snapshot {
  byKey: Map<string, OriginSet>;
  all: OriginSet;
  loadedAt: number;
}

export interface BrowserSourcesOptions {
  /** How long the origins of every browser source are reused: also how long a change takes to apply. */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * The origins of every active browser source (write keys with origins), loaded in one query and
 * reused for `cacheTtlMs`, like the key lookups of api/auth.ts. A key or origin the snapshot does
 * not know yet (a key created a moment ago) reloads it, at most once a second.
 */
function createOriginDirectory<DB extends ApiKeyDatabase>(db: Kysely<DB>, options: BrowserSourcesOptions) {
  const ttl = options.cacheTtlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const MIN_RELOAD_MS = 1_000;
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;

  function load(): Promise<Snapshot> {
    loading ??= listBrowserSources(db)
      .then((sources) => {
        const byKey = new Map(sources.map((source) => [source.id, new OriginSet(source.allowedOrigins)]));
        snapshot = { byKey, all: new OriginSet(sources.flatMap((source) => source.allowedOrigins)), loadedAt: now() };
        return snapshot;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  async function current(): Promise<Snapshot> {
    return snapshot !== undefined && now() - snapshot.loadedAt < ttl ? snapshot : load();
  }

  /** The snapshot, reloaded first when `satisfied` fails on it and it is more than a second old. */
  async function lookup(satisfied: (snapshot: Snapshot) => boolean): Promise<Snapshot> {
    const first = await current();
    if (satisfied(first) || now() - first.loadedAt < MIN_RELOAD_MS) return first;
    return load();
  }

  return {
    /** Whether some browser source allows this origin: what a preflight is answered from. */
    async anyAllows(origin: string): Promise<boolean> {
      return (await lookup((s) => s.all.allows(origin))).all.allows(origin);
    },
    /** This key's origins; undefined when it is no browser source. */
    async ofKey(keyId: string): Promise<OriginSet | undefined> {
      return (await lookup((s) => s.byKey.has(keyId))).byKey.get(keyId);
    },
  };
}

/** The Segment.io settings analytics.js reads at load, trimmed to what it uses from a non-Segment host. */
export const SourceSettings = z.object({
  integrations: z.object({
    'Segment.io': z.object({
      apiKey: z.string(),
      apiHost: z.string().describe('host[:port]/v1 of this API: analytics.js posts to <protocol>://<apiHost>/t and so on'),
      protocol: z.enum(['http', 'https']),
      addBundledMetadata: z.boolean(),
    }),
  }),
  // A sample rate of 0: analytics.js otherwise reports its own metrics to Segment's servers.
  metrics: z.object({ sampleRate: z.number() }),
  remotePlugins: z.array(z.unknown()),
});

const SettingsParams = z.object({ writeKey: z.string().max(200) });
// The Host a browser reached us by, used as analytics.js's apiHost: a host name or address and a port.
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Takes `writeKey` out of a body (an event, or a batch and each of its events) so that it is never
 * validated, stored or logged, and returns it. analytics.js also sends `userId: null` for a visitor
 * not identified yet; Segment's API reads a null id as no id, and so does this one.
 */
function takeWriteKey(body: unknown): unknown {
  if (!isRecord(body)) return undefined;
  const key = body['writeKey'];
  delete body['writeKey'];
  const events = Array.isArray(body['batch']) ? body['batch'] : [body];
  for (const event of events) {
    if (!isRecord(event)) continue;
    delete event['writeKey'];
    for (const field of ['userId', 'anonymousId'] as const) if (event[field] === null) delete event[field];
  }
  return key;
}

/**
 * analytics.js posts `text/plain` (a content type that needs no preflight) holding JSON. Fastify's
 * default text/plain parser has read it as a string (within the route's body limit); on an ingestion
 * route it is parsed here exactly as an application/json body is (same parser, same refusal of
 * `__proto__`). Done in the route's hook rather than by replacing the text/plain parser, which every
 * other route (and plugin scope, e.g. CSV uploads) keeps as it is.
 */
function parseTextPlainJson(request: FastifyRequest): void {
  if (typeof request.body !== 'string' || request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== 'text/plain') return;
  const parse = request.server.getDefaultJsonParser('error', 'error');
  let failure: Error | null = null;
  // The parser answers synchronously.
  parse(request, request.body, (error, value) => {
    failure = error;
    if (error === null) request.body = value;
  });
  if (failure !== null) throw failure;
}

export interface BrowserSources {
  /**
   * The hooks of an ingestion route: the key from the Authorization header (`headerAuth`, checked
   * before the body is read) or else from the body's `writeKey`; the Origin checked against the key's
   * origins; CORS headers on the answer.
   */
  ingestionHooks(headerAuth: AuthHook): { onRequest: AuthHook; preValidation: preValidationHookHandler; onSend: onSendHookHandler };
  /** Preflight answers for these paths, and the settings route. */
  registerRoutes(app: ApiInstance, ingestionPaths: readonly string[]): void;
}

export function createBrowserSources<DB extends ApiKeyDatabase>(db: Kysely<DB>, auth: Authenticator, options: BrowserSourcesOptions = {}): BrowserSources {
  const origins = createOriginDirectory(db, options);

  async function bodyPrincipal(request: FastifyRequest, reply: FastifyReply, key: unknown): Promise<Principal> {
    const unauthorized = (message: string) => {
      reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
      return new HttpError(401, 'unauthorized', message);
    };
    if (key === undefined) throw unauthorized(MESSAGES.missing);
    if (typeof key !== 'string' || !looksLikeApiKey(key)) throw unauthorized(MESSAGES.malformedBodyKey);
    // The one way keys are checked (api/auth.ts: hash, cache, revocation), given the body's key.
    const result = await auth.authenticate(`Bearer ${key}`);
    if (isAuthFailure(result)) throw unauthorized(result.message);
    if (result.role !== 'write') throw new HttpError(403, 'forbidden', MESSAGES.bodyKeyRole);
    request.principal = result;
    return result;
  }

  /** Whether the answer to this request may be read by the page of `origin`. */
  async function corsAllowed(request: FastifyRequest, origin: string): Promise<boolean> {
    // Before a key is known (a 401, a refused body) the answer is readable where some source allows the page.
    if (request.principal === undefined) return origins.anyAllows(origin);
    return (await origins.ofKey(request.principal.keyId))?.allows(origin) ?? false;
  }

  const addCorsHeaders: onSendHookHandler = async (request, reply, payload) => {
    const origin = request.headers.origin;
    if (origin === undefined) return payload;
    reply.header('Vary', 'Origin');
    if (await corsAllowed(request, origin)) {
      reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Allow-Credentials', 'true');
    }
    return payload;
  };

  async function refuseOtherOrigins(request: FastifyRequest, principal: Principal): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if ((await origins.ofKey(principal.keyId))?.allows(origin) === true) return;
    throw new HttpError(
      403,
      'origin_not_allowed',
      `this key does not allow pages from ${JSON.stringify(origin).slice(0, 200)}: list the origin on a write key (npm run keys -- origins <id> --origins <origin,…>)`,
    );
  }

  function ingestionHooks(headerAuth: AuthHook) {
    return {
      async onRequest(request: FastifyRequest, reply: FastifyReply) {
        // No header: the key is in the body, read once the body is parsed (preValidation). A session
        // cookie never authenticates an event: a page elsewhere could make a browser send one.
        if (request.headers.authorization !== undefined) await headerAuth(request, reply);
      },
      async preValidation(request: FastifyRequest, reply: FastifyReply) {
        parseTextPlainJson(request);
        const bodyKey = takeWriteKey(request.body);
        const principal = request.principal ?? (await bodyPrincipal(request, reply, bodyKey));
        await refuseOtherOrigins(request, principal);
      },
      onSend: addCorsHeaders,
    };
  }

  function registerRoutes(app: ApiInstance, ingestionPaths: readonly string[]): void {
    for (const url of new Set(ingestionPaths)) {
      app.options(url, { schema: { hide: true } }, async (request, reply) => {
        const origin = request.headers.origin;
        // Without an Origin this is no CORS preflight: nothing to allow.
        if (origin === undefined) return reply.status(204).send();
        reply.header('Vary', 'Origin');
        if (!(await origins.anyAllows(origin))) {
          // No Access-Control-* header: the browser refuses the request and sends nothing.
          return reply.status(403).send({ error: 'origin_not_allowed', message: 'no browser source allows this origin' });
        }
        return reply
          .status(204)
          .header('Access-Control-Allow-Origin', origin)
          .header('Access-Control-Allow-Credentials', 'true')
          .header('Access-Control-Allow-Methods', 'POST')
          .header('Access-Control-Allow-Headers', ALLOWED_REQUEST_HEADERS)
          .header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS))
          .send();
      });
    }

    app.get(
      SOURCE_SETTINGS_PATH,
      {
        // The path holds the write key: the info-level request lines, which carry the URL, are not
        // written for this route. Hidden from /openapi.json: this is analytics.js's CDN protocol.
        logLevel: 'warn',
        schema: { hide: true, params: SettingsParams, response: { 200: SourceSettings, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } },
        onSend: addCorsHeaders,
      },
      async (request, reply) => {
        const { writeKey } = request.params;
        const unknown = new HttpError(404, 'unknown_source', 'no active write key has these settings');
        if (!looksLikeApiKey(writeKey)) throw unknown;
        const principal = await auth.authenticate(`Bearer ${writeKey}`);
        if (isAuthFailure(principal) || principal.role !== 'write') throw unknown;
        request.principal = principal;
        if ((await origins.ofKey(principal.keyId)) === undefined) {
          throw new HttpError(403, 'not_a_browser_source', 'this write key allows no browser origin: npm run keys -- origins <id> --origins <origin,…>');
        }
        await refuseOtherOrigins(request, principal);
        const host = request.host;
        if (!HOST_HEADER.test(host)) throw new HttpError(400, 'invalid_host', 'the Host header is not a host[:port]');
        // Read at every page load: a minute of caching, per browser (the answer depends on Host and Origin).
        reply.header('Cache-Control', 'private, max-age=60');
        return {
          integrations: {
            'Segment.io': { apiKey: writeKey, apiHost: `${host}/v1`, protocol: request.protocol === 'https' ? 'https' : 'http', addBundledMetadata: false },
          },
          metrics: { sampleRate: 0 },
          remotePlugins: [],
        } satisfies z.infer<typeof SourceSettings>;
      },
    );
  }

  return { ingestionHooks, registerRoutes };
}
