// 10,000 payloads generated from the route schemas (as /openapi.json publishes them) against every
// public endpoint: no answer may be a 5xx, and every 400 names the field it refuses.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../helpers/engine.js';
import { reportFigures } from './figures.js';
import { arbitraryFor, type JsonSchema } from './schema-arbitraries.js';

const PAYLOADS = Number(process.env['FAULTS_FUZZ_PAYLOADS'] ?? 10_000);
const CONCURRENCY = 8;
// Served for people and tools, not the product API; they take no input.
const SKIPPED_PATHS = new Set(['/health', '/openapi.json']);

interface Operation {
  method: string;
  path: string;
  body?: JsonSchema;
  parameters: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
}

interface Payload {
  operation: Operation;
  url: string;
  body?: unknown;
}

function operationsFrom(document: any): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(document.paths)) {
    if (SKIPPED_PATHS.has(path) || path.startsWith('/dev/')) continue;
    for (const [method, operation] of Object.entries<any>(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        body: operation.requestBody?.content?.['application/json']?.schema,
        parameters: operation.parameters ?? [],
      });
    }
  }
  return operations;
}

function payloadArbitrary(operation: Operation, eventSchemas: JsonSchema[]): fc.Arbitrary<Payload> {
  const params: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of operation.parameters) params[`${parameter.in}:${parameter.name}`] = arbitraryFor(parameter.schema);
  const requiredParams = operation.parameters.filter((p) => p.in === 'path' || p.required).map((p) => `${p.in}:${p.name}`);
  // A batch's items are declared as any JSON (each is validated on its own): feed it real event shapes.
  const bodySchema =
    operation.path === '/v1/batch' && operation.body !== undefined
      ? { ...operation.body, properties: { ...operation.body.properties, batch: { type: 'array', minItems: 1, maxItems: 20, items: { anyOf: eventSchemas } } } }
      : operation.body;
  const bodies = operation.body === undefined ? fc.constant(undefined) : arbitraryFor(bodySchema);
  return fc.tuple(fc.record(params, { requiredKeys: requiredParams }), bodies).map(([values, body]) => {
    let path = operation.path;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) {
      const [where, name] = key.split(':') as ['path' | 'query', string];
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (where === 'path') path = path.replace(`{${name}}`, encodeURIComponent(text === '' ? 'x' : text));
      else query.set(name, text);
    }
    const search = query.toString();
    return { operation, url: search === '' ? path : `${path}?${search}`, body };
  });
}

function keyFor(engine: RunningEngine, path: string): string {
  return path.startsWith('/v1/sales') ? engine.keys.sales : engine.keys.admin;
}

describe('fuzzing every public endpoint from its schema', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it(`answers ${PAYLOADS} generated payloads without a 5xx, naming the field of every refusal`, async () => {
    const document = (await engine.get('/openapi.json')).body;
    const operations = operationsFrom(document);
    expect(operations.length).toBeGreaterThan(10);
    const eventSchemas = ['/v1/track', '/v1/identify', '/v1/page', '/v1/group', '/v1/alias'].map((path) => document.paths[path].post.requestBody.content['application/json'].schema);

    const perOperation = Math.ceil(PAYLOADS / operations.length);
    const payloads = operations.flatMap((operation) => fc.sample(payloadArbitrary(operation, eventSchemas), { numRuns: perOperation, seed: 20261123 }));

    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const unnamedRefusals: string[] = [];
    let next = 0;
    async function lane(): Promise<void> {
      while (next < payloads.length) {
        const payload = payloads[next++]!;
        const headers: Record<string, string> = { authorization: `Bearer ${keyFor(engine, payload.operation.path)}` };
        const response = await fetch(`${engine.baseUrl}${payload.url}`, {
          method: payload.operation.method,
          headers: payload.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          body: payload.body === undefined ? undefined : JSON.stringify(payload.body),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const where = `${payload.operation.method} ${payload.url} ${JSON.stringify(payload.body)?.slice(0, 300)} → ${response.status} ${text.slice(0, 300)}`;
        if (response.status >= 500) serverErrors.push(where);
        const body = response.status === 200 || response.status === 400 ? (JSON.parse(text) as Record<string, any>) : {};
        if (Array.isArray(body['rejected'])) {
          // A batch answers per event: each refused one carries its own issues.
          const rejected = body['rejected'] as { issues: { path: string; message: string }[] }[];
          if (!rejected.every((entry) => entry.issues.length > 0 && entry.issues.every((issue) => issue.path && issue.message))) unnamedRefusals.push(where);
        } else if (response.status === 400) {
          const issues = body['issues'] as { path: string; message: string }[] | undefined;
          if (!(issues?.length && issues.every((issue) => issue.path && issue.message))) unnamedRefusals.push(where);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));

    reportFigures('fuzz', {
      endpoints: operations.length,
      'payloads tried': payloads.length,
      ...Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([status, count]) => [`HTTP ${status}`, count])),
      '5xx': serverErrors.length,
      'refusals without a field': unnamedRefusals.length,
    });
    expect(payloads.length).toBeGreaterThanOrEqual(PAYLOADS);
    expect(serverErrors.slice(0, 5)).toEqual([]);
    expect(unnamedRefusals.slice(0, 5)).toEqual([]);
    // The generator must reach both sides of validation, or the figures above prove nothing.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(PAYLOADS / 20);
    expect([...statuses].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(PAYLOADS / 20);
  }, 600_000);
});
