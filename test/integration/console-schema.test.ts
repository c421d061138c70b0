import { Client, Connection } from '@temporalio/client';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiInstance } from '../../api/app.js';
import { createEngine } from '../../engine/engine.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { engineConfig } from '../support/engine-config.js';

// The console's typed client (console/src/api/schema.d.ts) is generated from the server's own
// schemas; this test regenerates it from buildApp's OpenAPI document, with no server listening and
// no network, and fails when the checked-in file says something else. UPDATE_CONSOLE_SCHEMA=1
// rewrites the file instead (then commit it with the route change).

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/src/api/schema.d.ts');
const HEADER = '// Generated from GET /openapi.json by test/integration/console-schema.test.ts (UPDATE_CONSOLE_SCHEMA=1). Do not edit.\n';

let database: TestDatabase;
let app: ApiInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  // A lazy connection dials only when a workflow call is made, and none is while building the document.
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const engine = createEngine(engineConfig({ TEMPORAL_TASK_QUEUE: 'console-schema' }), { db: database.db, temporal });
  app = await buildApp({ engine, logLevel: 'silent', links: { secret: 'console-schema-secret-console-schema' } });
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('console API client', () => {
  it('is generated from the server schemas as they are now', async () => {
    const generated = HEADER + astToString(await openapiTS(app.swagger() as Parameters<typeof openapiTS>[0]));
    if (process.env['UPDATE_CONSOLE_SCHEMA'] === '1') await writeFile(SCHEMA_FILE, generated);
    const checkedIn = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    expect(checkedIn, 'console/src/api/schema.d.ts drifted from the API: run UPDATE_CONSOLE_SCHEMA=1 npx vitest run --project integration test/integration/console-schema.test.ts').toBe(generated);
  });
});
