import { z } from 'zod';

// The browser origins a write key allows (CORS). A write key is public in every page that embeds
// analytics.js, so what keeps another site from sending with it is the browser's CORS check against
// this list (and the API's own check of the Origin header, for requests the browser sends without
// asking first, such as sendBeacon).
//
// Three forms, one meaning each:
//   https://shop.example      exactly that origin (scheme, host and port; the default port implied)
//   http://localhost:*        that scheme and host on any port (local development servers)
//   *                         any origin, only where a key says so explicitly
// No path, no subdomain wildcard: an origin is what the browser sends in its Origin header.

export const ANY_ORIGIN = '*';
const ANY_PORT = ':*';
export const MAX_ORIGINS_PER_KEY = 50;

/** `npm start`'s local write key: pages served from this machine, on any port. */
export const LOCAL_BROWSER_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** The canonical form of one allowed origin, or why it is not one. */
function canonicalOrigin(value: string): { origin: string } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === ANY_ORIGIN) return { origin: ANY_ORIGIN };
  const anyPort = trimmed.endsWith(ANY_PORT);
  const base = anyPort ? trimmed.slice(0, -ANY_PORT.length) : trimmed;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return { problem: `"${value}" is not an origin: expected scheme://host[:port], e.g. https://shop.example` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `"${value}": only http and https origins send events` };
  // An origin has no path, query, fragment or credentials: a page's Origin header never carries them.
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || !/^[a-z]+:\/\/[^/]+\/?$/i.test(base)) {
    return { problem: `"${value}" is not an origin: no path, query or credentials (e.g. https://shop.example)` };
  }
  if (anyPort && url.port !== '') return { problem: `"${value}": give a port or :*, not both` };
  if (url.hostname.includes('*')) return { problem: `"${value}": a host cannot hold a wildcard; list each origin, or * for any` };
  return { origin: anyPort ? `${url.protocol}//${url.host}${ANY_PORT}` : url.origin };
}

/** One allowed origin as a key stores it: lower case, default port dropped, no trailing slash. */
export const AllowedOrigin = z.string().max(300).transform((value, ctx) => {
  const result = canonicalOrigin(value);
  if ('problem' in result) {
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  }
  return result.origin;
});

/** A write key's allowed origins: at least one (no origin means not a browser source), each once. */
export const AllowedOrigins = z
  .array(AllowedOrigin)
  .min(1, 'a browser source allows at least one origin')
  .max(MAX_ORIGINS_PER_KEY, `at most ${MAX_ORIGINS_PER_KEY} origins per key`)
  .transform((origins) => [...new Set(origins)]);
export type AllowedOrigins = z.infer<typeof AllowedOrigins>;

/** The scheme://host part of an Origin header and its port, without a URL parse (every browser request pays it). */
const ORIGIN_HEADER = /^(https?:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+))(?::\d{1,5})?$/;

/**
 * A set of allowed origins, compiled for lookups: one key's, or the union of every browser source's
 * (what a preflight, which carries no key, is answered from). A request's Origin header is compared
 * in lower case; browsers send it already serialised (no trailing slash, default port omitted), and
 * anything else, including `null` (sandboxed frames, file: pages), matches only `*`.
 */
export class OriginSet {
  readonly #any: boolean;
  readonly #exact = new Set<string>();
  readonly #anyPort = new Set<string>();

  constructor(allowed: Iterable<string>) {
    let any = false;
    for (const origin of allowed) {
      if (origin === ANY_ORIGIN) any = true;
      else if (origin.endsWith(ANY_PORT)) this.#anyPort.add(origin.slice(0, -ANY_PORT.length));
      else this.#exact.add(origin);
    }
    this.#any = any;
  }

  allows(origin: string): boolean {
    if (this.#any) return true;
    const lower = origin.toLowerCase();
    if (this.#exact.has(lower)) return true;
    if (this.#anyPort.size === 0) return false;
    const match = ORIGIN_HEADER.exec(lower);
    return match !== null && this.#anyPort.has(match[1]!);
  }
}
