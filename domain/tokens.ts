// HMAC is a pure function of its inputs (no I/O, no clock), so it belongs with the other pure rules;
// Node's implementation is used rather than a hand-written one.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a signed link may do. The purpose is inside the signed payload and checked on the way in,
 * so a click token can never be replayed as an unsubscribe token, or the other way round.
 */
export type TokenPurpose = 'unsubscribe' | 'preferences' | 'click' | 'open' | 'confirm';

export interface TokenClaims {
  purpose: TokenPurpose;
  contactId: string;
  /** Subscription topic; `all` for an unsubscribe from every marketing topic. */
  topic?: string;
  /** The e-mail the link came from: ties clicks, opens and unsubscribes to one message. */
  emailId?: string;
  /** The destination of a click redirect: signed, so the redirect is never an open one. */
  url?: string;
  /** Epoch seconds after which the token is refused; unsubscribe tokens never expire (RFC 8058 links must keep working). */
  expiresAt?: number;
}

export type TokenVerification =
  | { valid: true; claims: TokenClaims }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired' };

const PURPOSES: readonly TokenPurpose[] = ['unsubscribe', 'preferences', 'click', 'open', 'confirm'];
// 128 bits of HMAC-SHA256 (RFC 2104 truncation): unguessable, and keeps tracked links short.
const SIGNATURE_BYTES = 16;
// Domain separation: the same secret signs other things (barcode images); this version tag keeps them apart.
const CONTEXT = 'relance-link-v1.';

function signature(secret: string, payload: string, context: string): Buffer {
  return createHmac('sha256', secret).update(context).update(payload).digest().subarray(0, SIGNATURE_BYTES);
}

/**
 * `<base64url payload>.<base64url signature>` under `context`: the signing every token here shares.
 * A token signed under one context never verifies under another.
 */
export function signPayload(secret: string, context: string, payload: string): string {
  const encoded = Buffer.from(payload).toString('base64url');
  return `${encoded}.${signature(secret, encoded, context).toString('base64url')}`;
}

/** The payload of a token `signPayload` made under `context`, checked in constant time. */
export function verifyPayload(secret: string, context: string, token: string): { valid: true; payload: string } | { valid: false; reason: 'malformed' | 'bad-signature' } {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4096) return { valid: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const given = token.slice(dot + 1);
  if (!BASE64URL.test(payload) || !BASE64URL.test(given)) return { valid: false, reason: 'malformed' };
  const givenBytes = Buffer.from(given, 'base64url');
  const expected = signature(secret, payload, context);
  // Compared in constant time; the length is public (it is the same for every token).
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) return { valid: false, reason: 'bad-signature' };
  return { valid: true, payload: Buffer.from(payload, 'base64url').toString('utf8') };
}

/**
 * `<payload>.<signature>`, both base64url: safe in a URL path without escaping. The payload is a
 * compact JSON array, readable by anyone (it holds ids and a URL, never an address), tamper-proof.
 */
export function signToken(secret: string, claims: TokenClaims): string {
  const compact = [PURPOSES.indexOf(claims.purpose), claims.contactId, claims.topic ?? '', claims.emailId ?? '', claims.url ?? '', claims.expiresAt ?? 0];
  return signPayload(secret, CONTEXT, JSON.stringify(compact));
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifyToken(secret: string, token: string, purpose: TokenPurpose, now: Date): TokenVerification {
  const verified = verifyPayload(secret, CONTEXT, token);
  if (!verified.valid) return verified;

  let compact: unknown;
  try {
    compact = JSON.parse(verified.payload);
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!Array.isArray(compact) || compact.length !== 6) return { valid: false, reason: 'malformed' };
  const [purposeIndex, contactId, topic, emailId, url, expiresAt] = compact as unknown[];
  if (typeof purposeIndex !== 'number' || typeof contactId !== 'string' || typeof topic !== 'string' || typeof emailId !== 'string' || typeof url !== 'string' || typeof expiresAt !== 'number') {
    return { valid: false, reason: 'malformed' };
  }
  if (PURPOSES[purposeIndex] !== purpose) return { valid: false, reason: 'wrong-purpose' };
  if (expiresAt !== 0 && now.getTime() / 1000 > expiresAt) return { valid: false, reason: 'expired' };
  return {
    valid: true,
    claims: {
      purpose,
      contactId,
      ...(topic === '' ? {} : { topic }),
      ...(emailId === '' ? {} : { emailId }),
      ...(url === '' ? {} : { url }),
      ...(expiresAt === 0 ? {} : { expiresAt }),
    },
  };
}
