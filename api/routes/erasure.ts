import { z } from 'zod';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import type { ErasureService } from '../erasure.service.js';
import { ErrorResponse, HttpError } from '../errors.js';

const ContactParams = z.object({ id: z.uuid() });

const ErasureResponse = z.object({
  contactId: z.string(),
  profiles: z.number().describe('the contact and every profile merged into it'),
  erased: z.record(z.string(), z.number()).describe('rows deleted per table'),
  workflowsStopped: z.number().describe('journey runs told to stop and hand-offs terminated'),
});

export function registerErasureRoutes(app: ApiInstance, deps: { auth: Authenticator; erasure: ErasureService }): void {
  app.delete(
    '/v1/contacts/:id',
    {
      onRequest: deps.auth.requireRole('admin'),
      schema: {
        summary: 'Erase a person on request: the contact, its merged profiles and every row about them (the suppression list stays)',
        tags: ['contacts'],
        params: ContactParams,
        response: { 200: ErasureResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const erasure = await deps.erasure.erase(request.params.id, principal.name);
      if (erasure === undefined) throw new HttpError(404, 'not_found', `no contact ${request.params.id}`);
      for (const reason of erasure.stopFailures) {
        request.log.warn({ err: reason, contactId: erasure.contactId }, 'erased contact: a workflow could not be stopped; its activities fail on the missing contact');
      }
      return {
        contactId: erasure.contactId,
        profiles: erasure.profiles,
        erased: erasure.erased,
        workflowsStopped: erasure.workflowsStopped,
      };
    },
  );
}
