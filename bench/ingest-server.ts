// The API alone, in its own process, for the ingestion benchmark: the load generator in the parent
// process must not share the API's event loop, or the figures would measure both.
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../api/app.js';
import { parseConfig } from '../domain/config.js';
import { createEngine } from '../engine/engine.js';

// Page views cause no orchestration, so Temporal is never dialled: a lazy connection suffices.
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const engine = createEngine(parseConfig({ DATABASE_URL: process.env['DATABASE_URL'], TEMPORAL_TASK_QUEUE: 'bench' }), { temporal });
const app = await buildApp({ engine, logLevel: 'silent' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`PORT=${(app.server.address() as AddressInfo).port}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => engine.close()).then(() => process.exit(0));
});
