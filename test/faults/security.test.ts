// Who may do what, checked over HTTP for every /v1 route the API publishes, and bodies far over the
// limit refused without the API buffering them.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../helpers/engine.js';
import { reportFigures } from './figures.js';

// What a website's write key is for: sending events, and the subscriptions its forms collect.
const WRITE_KEY_ROUTES = new Set(['POST /v1/track', 'POST /v1/identify', 'POST /v1/page', 'POST /v1/group', 'POST /v1/alias', 'POST /v1/batch', 'PUT /v1/contacts/{id}/subscriptions']);
const FAKE_UUID = '00000000-0000-4000-8000-000000000000';

interface Route {
  method: string;
  path: string;
  /** As /openapi.json names it, parameters in braces. */
  declared: string;
}

/** Sends `megabytes` of JSON in 64 KB chunks without a Content-Length, as a hostile client would. */
function streamOversizedBody(baseUrl: string, path: string, key: string, megabytes: number): Promise<{ status: number; sentBytes: number }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'transfer-encoding': 'chunked' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, sentBytes }));
      },
    );
    // The server may cut the upload short once it has answered: that is the point.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    request.write('{"batch":[{"type":"track","event":"x","userId":"');
    const total = megabytes * 1024 * 1024;
    const pump = (): void => {
      while (sentBytes < total && !request.destroyed) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end('"}]}');
    };
    pump();
  });
}

describe('access control and abusive requests', () => {
  let engine: RunningEngine;
  let routes: Route[];
  beforeAll(async () => {
    engine = await startEngine();
    const document = (await engine.get('/openapi.json')).body;
    routes = Object.entries<Record<string, unknown>>(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, FAKE_UUID), declared: path })));
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const call = (route: Route, headers: Record<string, string>) =>
    fetch(`${engine.baseUrl}${route.path}`, {
      method: route.method,
      headers: route.method === 'GET' ? headers : { ...headers, 'content-type': 'application/json' },
      body: route.method === 'GET' ? undefined : '{}',
    });

  it('refuses every /v1 route without a key or with a wrong one, and every route but events and subscriptions to a write key', async () => {
    const refusals = { missing: 0, wrong: 0, writeKey: 0 };
    const wrongKey = `rla_${'0'.repeat(32)}`;
    for (const route of routes) {
      const missing = await call(route, {});
      expect(missing.status, `${route.method} ${route.path} without a key`).toBe(401);
      refusals.missing += 1;
      const wrong = await call(route, { authorization: `Bearer ${wrongKey}` });
      expect(wrong.status, `${route.method} ${route.path} with an unknown key`).toBe(401);
      refusals.wrong += 1;
      if (!WRITE_KEY_ROUTES.has(`${route.method} ${route.declared}`)) {
        const withWriteKey = await call(route, { authorization: `Bearer ${engine.keys.write}` });
        expect(withWriteKey.status, `${route.method} ${route.path} with a write key`).toBe(403);
        refusals.writeKey += 1;
      }
    }
    reportFigures('access control', { 'routes checked': routes.length, 'refused without key': refusals.missing, 'refused wrong key': refusals.wrong, 'refused to write key': refusals.writeKey });
    // A write key reads nothing and changes no model: the routes a leaked website key must not reach.
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(expect.arrayContaining(['GET /v1/contacts', 'PUT /v1/scoring-model']));
  });

  it('refuses a 200 MB streamed body with 413 without holding it in memory', async () => {
    const before = process.memoryUsage().rss;
    const result = await streamOversizedBody(engine.baseUrl, '/v1/batch', engine.keys.write, 200);
    const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    reportFigures('oversized body', { 'declared MB': 200, 'MB sent before refusal': Math.round(result.sentBytes / 1024 / 1024), 'RSS growth MB': Math.round(growthMb) });
    expect(result.status).toBe(413);
    // The API and this client share the process: a buffered body would show as ~200 MB here.
    expect(growthMb).toBeLessThan(64);
    const stillServing = await engine.post('/v1/track', { type: 'track', event: 'page_viewed', userId: 'after-the-flood', messageId: 'after-1' });
    expect(stillServing.status).toBe(200);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${engine.keys.write}` },
      body: JSON.stringify({ type: 'track', event: 'x', userId: 'u', properties: { blob: 'x'.repeat(100_000) } }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/too_large/);
  });
});
