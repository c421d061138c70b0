import { describe, expect, it } from 'vitest';
import { AllowedOrigins, LOCAL_BROWSER_ORIGINS, OriginSet } from '../../domain/browser-origins.js';

const parse = (origins: string[]) => AllowedOrigins.safeParse(origins);

describe('allowed browser origins', () => {
  it('stores each origin in the form a browser sends it: lower case, default port dropped, no slash, once', () => {
    expect(parse(['https://Shop.Example/', 'https://shop.example:443', 'http://localhost:5173', 'http://LOCALHOST:*', 'http://[::1]:*']).data).toEqual([
      'https://shop.example',
      'http://localhost:5173',
      'http://localhost:*',
      'http://[::1]:*',
    ]);
    expect(parse(['*']).data).toEqual(['*']);
  });

  it('refuses what is not an origin, saying which and why', () => {
    const refused = (origin: string) => {
      const result = parse([origin]);
      expect(result.success, origin).toBe(false);
      return result.error?.issues[0];
    };
    expect(refused('shop.example')).toMatchObject({ path: [0], message: expect.stringContaining('"shop.example" is not an origin') });
    expect(refused('https://shop.example/cart')?.message).toContain('no path');
    expect(refused('https://shop.example?x=1')?.message).toContain('no path');
    expect(refused('https://user:pw@shop.example')?.message).toContain('credentials');
    expect(refused('ftp://shop.example')?.message).toContain('only http and https');
    expect(refused('https://*.shop.example')?.message).toContain('cannot hold a wildcard');
    expect(refused('https://shop.example:8443:*')?.message).toBeDefined();
    expect(parse([]).error?.issues[0]?.message).toBe('a browser source allows at least one origin');
  });

  it('matches an Origin header exactly, by any port where the key says :*, and anything only with *', () => {
    const shop = new OriginSet(['https://shop.example', 'https://www.shop.example']);
    expect(shop.allows('https://shop.example')).toBe(true);
    expect(shop.allows('https://WWW.shop.example')).toBe(true);
    expect(shop.allows('http://shop.example')).toBe(false);
    expect(shop.allows('https://shop.example:8443')).toBe(false);
    expect(shop.allows('https://evil.example')).toBe(false);
    expect(shop.allows('https://shop.example.evil.example')).toBe(false);
    expect(shop.allows('null')).toBe(false);

    const local = new OriginSet(LOCAL_BROWSER_ORIGINS);
    expect(local.allows('http://localhost:5173')).toBe(true);
    expect(local.allows('http://localhost')).toBe(true);
    expect(local.allows('http://127.0.0.1:8080')).toBe(true);
    expect(local.allows('http://[::1]:3000')).toBe(true);
    expect(local.allows('https://localhost:5173')).toBe(false);
    expect(local.allows('http://localhost.evil.example:80')).toBe(false);
    expect(local.allows('http://127.0.0.2:8080')).toBe(false);

    const any = new OriginSet(['*']);
    expect(any.allows('https://anything.example')).toBe(true);
    expect(any.allows('null')).toBe(true);
    expect(new OriginSet([]).allows('https://shop.example')).toBe(false);
  });
});
