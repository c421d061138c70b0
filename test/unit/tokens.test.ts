import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../domain/tokens.js';

const secret = 'unit-test-secret-unit-test-secret-0123';
const now = new Date('2026-11-23T10:00:00Z');
const contactId = '5b0e4a4e-8c1f-4a53-9d62-0d4d6f0a1c11';

describe('signed link tokens', () => {
  it('round-trips the claims of an unsubscribe token, URL-safe', () => {
    const token = signToken(secret, { purpose: 'unsubscribe', contactId, topic: 'newsletter', emailId: 'e1' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(secret, token, 'unsubscribe', now)).toEqual({
      valid: true,
      claims: { purpose: 'unsubscribe', contactId, topic: 'newsletter', emailId: 'e1' },
    });
  });

  it('refuses a token signed with another secret', () => {
    const token = signToken('another-secret-another-secret-another', { purpose: 'unsubscribe', contactId });
    expect(verifyToken(secret, token, 'unsubscribe', now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses a payload changed after signing (another contact, another URL)', () => {
    const token = signToken(secret, { purpose: 'click', contactId, emailId: 'e1', url: 'https://shop.example/a' });
    const [, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify([2, contactId, '', 'e1', 'https://evil.example/', 0])).toString('base64url');
    expect(verifyToken(secret, `${forged}.${sig}`, 'click', now)).toEqual({ valid: false, reason: 'bad-signature' });
    // One flipped character of the signature.
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(verifyToken(secret, flipped, 'click', now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('binds a token to its purpose: a click token is no unsubscribe token', () => {
    const token = signToken(secret, { purpose: 'click', contactId, url: 'https://shop.example/' });
    expect(verifyToken(secret, token, 'unsubscribe', now)).toEqual({ valid: false, reason: 'wrong-purpose' });
  });

  it('refuses an expired confirmation token and accepts it before expiry', () => {
    const token = signToken(secret, { purpose: 'confirm', contactId, topic: 'newsletter', expiresAt: now.getTime() / 1000 + 60 });
    expect(verifyToken(secret, token, 'confirm', now).valid).toBe(true);
    expect(verifyToken(secret, token, 'confirm', new Date(now.getTime() + 61_000))).toEqual({ valid: false, reason: 'expired' });
  });

  it.each(['', 'abc', '.abc', 'a.b.c', 'not base64!.xx', `${'a'.repeat(5000)}.b`])('calls %j malformed', (token) => {
    expect(verifyToken(secret, token, 'unsubscribe', now)).toMatchObject({ valid: false });
    expect(verifyToken(secret, token, 'unsubscribe', now)).not.toMatchObject({ valid: true });
  });
});
