import { z } from 'zod';
import type { ApiInstance } from '../app.js';

const ComponentStatus = z.object({ status: z.enum(['ok', 'error']), error: z.string().optional() });
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  database: ComponentStatus,
  temporal: ComponentStatus,
});

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<z.infer<typeof ComponentStatus>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok' };
  } catch (error) {
    return { status: 'error', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** One round trip to each part the API needs; resolving means it answered. */
export interface HealthProbes {
  database(): Promise<unknown>;
  temporal(): Promise<unknown>;
}

export function registerHealthRoutes(app: ApiInstance, probes: HealthProbes): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Connectivity of the database and of Temporal',
        tags: ['operations'],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const [database, temporal] = await Promise.all([
        check(probes.database),
        check(probes.temporal),
      ]);
      const healthy = database.status === 'ok' && temporal.status === 'ok';
      return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', database, temporal });
    },
  );
}
