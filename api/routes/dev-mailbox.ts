import { z } from 'zod';
import type { ApiInstance } from '../app.js';

export const MailboxMessage = z.object({
  messageId: z.string().nullable(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  headers: z.record(z.string(), z.string()),
  receivedAt: z.string(),
});
export type MailboxMessage = z.infer<typeof MailboxMessage>;

/** The local SMTP catcher's inbox, present only when `npm start` runs on embedded services. */
export interface Mailbox {
  messages(): readonly MailboxMessage[];
}

export function registerDevMailboxRoutes(app: ApiInstance, mailbox: Mailbox): void {
  app.get(
    '/dev/mailbox',
    {
      schema: {
        summary: 'E-mails received by the local SMTP catcher (local mode only)',
        tags: ['development'],
        response: { 200: z.object({ messages: z.array(MailboxMessage) }) },
      },
    },
    async () => ({ messages: [...mailbox.messages()] }),
  );
}
