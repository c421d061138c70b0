import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../api/auth.js';

const KEY = 'rlw_0123456789abcdefghijABCDEFGHIJkl';
const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('parseAuthorization', () => {
  it.each([
    ['Basic with the key as username and an empty password (Segment)', basic(`${KEY}:`)],
    ['Basic with the key as password and no username', basic(`:${KEY}`)],
    ['Basic with the key as password and any username', basic(`relance:${KEY}`)],
    ['Basic with the key as username and something else as password', basic(`${KEY}:x`)],
    ['Basic without the colon', basic(KEY)],
    ['Basic without base64 padding', basic(`${KEY}:`).replace(/=+$/, '')],
    ['Bearer', `Bearer ${KEY}`],
    ['a lower-case scheme and surrounding spaces', `  bearer   ${KEY}  `],
  ])('reads the key from %s', (_case, header) => {
    expect(parseAuthorization(header)).toEqual({ key: KEY });
  });

  it('prefers the password when both parts look like keys', () => {
    const other = 'rla_ZYXWVUTSRQPONMLKJIHGFEDCBA987654';
    expect(parseAuthorization(basic(`${KEY}:${other}`))).toEqual({ key: other });
  });

  it.each([[undefined], [''], ['   ']])('reports a missing key for %j', (header) => {
    expect(parseAuthorization(header)).toEqual({ reason: 'missing', message: expect.stringContaining('missing API key') });
  });

  it.each([
    ['a bare key without a scheme', KEY, 'expected "Basic'],
    ['an unknown scheme', `Token ${KEY}`, 'unsupported scheme'],
    ['a bare key used as the scheme', `${KEY} x`, 'unsupported scheme'],
    ['three parts', `Bearer ${KEY} extra`, 'expected "Basic'],
    ['Basic credentials that are not base64', `Basic ${KEY}!`, 'not valid base64'],
    ['Basic credentials of impossible base64 length', 'Basic abcde', 'not valid base64'],
    ['empty Basic credentials', basic(':'), 'no key'],
    ['Basic credentials that are not a key', basic('user:password'), 'malformed API key'],
    ['a Bearer token that is not a key', 'Bearer eyJhbGciOiJIUzI1NiJ9', 'malformed API key'],
    ['a key with a wrong prefix', `Bearer rlx_${KEY.slice(4)}`, 'malformed API key'],
    ['a truncated key', `Bearer ${KEY.slice(0, -1)}`, 'malformed API key'],
    ['a header too long to hold a key', `Bearer ${'a'.repeat(2000)}`, 'too long'],
  ])('refuses %s as malformed, without echoing it', (_case, header, expected) => {
    const result = parseAuthorization(header);
    expect(result).toEqual({ reason: 'malformed', message: expect.stringContaining(expected) });
    expect(JSON.stringify(result)).not.toContain(KEY.slice(4, 20));
  });
});
