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
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A field path as a client writes it: `properties.email`, `batch.3.messageId`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(body)';
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
      return reply.status(error.statusCode).send({ error: error.code, message: error.message } satisfies ErrorResponse);
    }
    // Fastify's own client errors: malformed JSON, body too large, unsupported content type.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({
        error: (error.code ?? 'bad_request').toLowerCase(),
        message: error.message,
      } satisfies ErrorResponse);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal_error', message: 'Internal server error' } satisfies ErrorResponse);
  });
}
