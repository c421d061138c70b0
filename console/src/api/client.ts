import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

// One typed client for every screen: paths, parameters and answers come from the server's OpenAPI
// document (schema.d.ts is generated from it, and a test fails when it drifts).

let csrfToken: string | null = null;

/** The session's CSRF token (from login or GET /console/api/session), sent on every request that changes something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken !== null && request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken);
    // openapi-fetch labels every request JSON; Fastify refuses an empty body labelled so (a POST without one, e.g. logout).
    if (request.body === null) request.headers.delete('content-type');
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

export interface FieldIssue {
  path: string;
  message: string;
}

/** A refusal of the API as the screens show it: the message, and each refused field's reason by its path. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  /** The server's reason for one field (`email`, `reason`), to show next to it. */
  field(path: string): string | undefined {
    return this.issues.find((issue) => issue.path === path)?.message;
  }
}

/** The data of an openapi-fetch answer, or its error as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const body = (result.error ?? {}) as { message?: string; issues?: FieldIssue[] };
    throw new ApiError(result.response.status, body.message ?? `request failed (${result.response.status})`, body.issues ?? []);
  }
  return result.data;
}
