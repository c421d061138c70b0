import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Thrown by services for expected refusals; the one error handler turns it into its status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** The fields refused, for a 400 about a particular input. */
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A field path as a client writes it: `properties.email`, `batch.3.messageId`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(body)';
}

// Failures the same request may be retried after: the server is down, restarting or dropped us
// (connection class), or it gave up on a lock (serialization, deadlock, too many connections).
// Ingestion is idempotent by messageId, so the client gets a 503 + Retry-After, not a 500.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  '40001', '40P01', '55P03', '53300',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  // node-postgres reports a connection lost mid-query without a code.
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable/i.test(message);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)]
          .filter((part) => part !== undefined && part !== 'body')
          .join('.') || '(body)',
        message: issue.message ?? 'invalid',
      }));
      return reply.status(400).send({
        error: 'invalid_request',
        message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        issues,
      } satisfies ErrorResponse);
    }
    if (error instanceof HttpError) {
      return reply
        .status(error.statusCode)
        .send({ error: error.code, message: error.message, ...(error.issues === undefined ? {} : { issues: error.issues }) } satisfies ErrorResponse);
    }
    // Fastify's own client errors: malformed JSON, body too large, unsupported content type.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({
        error: (error.code ?? 'bad_request').toLowerCase(),
        message: error.message,
        // The body as a whole is what was refused (unparseable JSON, a `__proto__` key): say so.
        ...(error.statusCode === 400 ? { issues: [{ path: '(body)', message: error.message }] } : {}),
      } satisfies ErrorResponse);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', '1')
        .send({ error: 'database_unavailable', message: 'The database is unavailable; nothing was acknowledged, retry the same request' } satisfies ErrorResponse);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal_error', message: 'Internal server error' } satisfies ErrorResponse);
  });
}
