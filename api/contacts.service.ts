import type { Db } from '../db/connection.js';
import { contactProfile, funnel, scoreBreakdown, searchContacts, setTraitsBySales, traitHistory, type ContactSearch } from '../db/contact.queries.js';
import { canonicalContactIds } from '../db/contact.repository.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import { LifecycleStage } from '../domain/scoring/index.js';
import type { OutboxDispatcher } from '../orchestration/orchestrator.js';

/**
 * Contacts as the console and the API read them: a profile with its score, the score explained line
 * by line, the trait audit, hand edits by sales, search and the funnel. Every read answers for the
 * person an id stands for today (a merged profile answers as the contact it merged into); `undefined`
 * means no such contact.
 */
export function createContactService(deps: { db: Db; models: ScoringModelStore; dispatcher: OutboxDispatcher; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const personOf = async (id: string): Promise<string | undefined> => (await canonicalContactIds(deps.db, [id])).get(id);

  return {
    async profile(id: string) {
      const profile = await contactProfile(deps.db, id);
      if (profile === undefined) return undefined;
      const score = await scoreBreakdown(deps.db, profile.contact.id, await deps.models.active(), now());
      return {
        id: profile.contact.id,
        email: profile.contact.email,
        stage: profile.contact.stage,
        traits: profile.contact.traits,
        identities: profile.identities,
        mergedFrom: profile.mergedFrom,
        score: score === undefined ? null : { engagement: score.engagement.total, fit: score.fit.points, grade: score.fit.grade },
        stageHistory: profile.stages.map((stage) => ({ from: stage.from_stage, to: stage.to_stage, reason: stage.reason, actor: stage.actor, at: stage.occurred_at.toISOString() })),
        recentEvents: profile.events.map((event) => ({ messageId: event.message_id, type: event.type, at: event.occurred_at.toISOString(), properties: event.properties })),
        lastActivityAt: profile.contact.last_activity_at?.toISOString() ?? null,
      };
    },

    async score(id: string) {
      const contactId = await personOf(id);
      return contactId === undefined ? undefined : scoreBreakdown(deps.db, contactId, await deps.models.active(), now());
    },

    async traitHistory(id: string) {
      const contactId = await personOf(id);
      if (contactId === undefined) return undefined;
      const history = await traitHistory(deps.db, contactId);
      return { changes: history.map((row) => ({ ...row, changed_at: row.changed_at.toISOString() })) };
    },

    /** Source `sales`: automatic updates never overwrite these values. Stage moves they cause are dispatched at once. */
    async setTraits(id: string, traits: Record<string, unknown>, actor: string) {
      const result = await setTraitsBySales(deps.db, id, traits, actor, now(), await deps.models.active());
      if (result === undefined) return undefined;
      await deps.dispatcher.dispatchNow(result.outboxIds);
      return { id: result.contactId, traits: result.traits };
    },

    async search(search: ContactSearch) {
      const page = await searchContacts(deps.db, search, await deps.models.active(), now());
      return {
        contacts: page.contacts.map((contact) => ({ ...contact, last_activity_at: contact.last_activity_at?.toISOString() ?? null })),
        nextCursor: page.nextCursor,
      };
    },

    funnel: (from: Date, to: Date) => funnel(deps.db, from, to, LifecycleStage.options),
  };
}

export type ContactService = ReturnType<typeof createContactService>;
