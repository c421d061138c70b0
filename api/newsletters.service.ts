import type { Db } from '../db/connection.js';
import { audienceSize } from '../db/audience.queries.js';
import { listNewsletters, recipientCountsOf } from '../db/newsletter.repository.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import type { AudienceSegment } from '../domain/newsletter.js';
import { HttpError } from './errors.js';

// What the console's newsletter list and composer ask beyond one newsletter: a page of them with
// their counts, and how many contacts a segment being built would reach now.

interface Cursor {
  createdAt: Date;
  id: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');

function decodeCursor(text: string): Cursor {
  const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (id === undefined || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new HttpError(400, 'invalid_request', 'after: not a cursor this API gave', [{ path: 'after', message: 'not a cursor this API gave' }]);
  }
  return { createdAt, id };
}

export function createNewsletterService(deps: { db: Db; models: ScoringModelStore }) {
  return {
    async list(page: { after?: string | undefined; limit: number }) {
      // One row more than asked says whether there is a next page without a count.
      const rows = await listNewsletters(deps.db, { after: page.after === undefined ? null : decodeCursor(page.after), limit: page.limit + 1 });
      const shown = rows.slice(0, page.limit);
      const counts = await recipientCountsOf(
        deps.db,
        shown.map((row) => row.id),
      );
      const last = shown.at(-1);
      return {
        newsletters: shown.map((row) => ({ row, counts: counts.get(row.id)! })),
        nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },

    /** Contacts the segment and topic reach if the newsletter were sent now: the count `POST /v1/newsletters` answers too. */
    async audienceSize(audience: { segment: AudienceSegment; topic: string }, at = new Date()): Promise<number> {
      return audienceSize(deps.db, audience, await deps.models.active(), at);
    },
  };
}

export type NewsletterService = ReturnType<typeof createNewsletterService>;
