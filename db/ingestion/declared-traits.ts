import type { NormalizedEvent } from '../../domain/events.js';
import { mergeTraits } from '../../domain/traits.js';
import type { ScoringContact } from '../contact-scoring.js';

/** A trait change as audited in `trait_changes`, by the event that declared it (values as JSON text). */
interface TraitAuditRow {
  contact_id: string;
  trait: string;
  before: string | null;
  after: string;
  outcome: 'applied' | 'refused';
  actor: string;
}

export interface DeclaredTraits {
  event: NormalizedEvent;
  contactId: string;
  traits: Record<string, unknown>;
}

/**
 * Applies a batch's declared traits to its contacts (as read and locked), oldest first so the newest
 * value wins, a sales value refused: `contacts` then holds the new traits and address, written with
 * the scores; the audit of every change and refusal is for `trait_changes`.
 */
export function applyDeclaredTraits(entries: readonly DeclaredTraits[], contacts: Map<string, ScoringContact>): { audit: TraitAuditRow[]; traitsChanged: Set<string> } {
  const traitsChanged = new Set<string>();
  const audit: TraitAuditRow[] = [];
  if (entries.length === 0) return { audit, traitsChanged };
  const ordered = [...entries].sort((a, b) => (a.event.occurredAt < b.event.occurredAt ? -1 : a.event.occurredAt > b.event.occurredAt ? 1 : 0));
  const contactIds = [...new Set(ordered.map((entry) => entry.contactId))];
  const traitsOf = new Map(contactIds.map((id) => [id, contacts.get(id)?.traits ?? {}]));
  for (const entry of ordered) {
    const merged = mergeTraits(traitsOf.get(entry.contactId) ?? {}, entry.traits, 'form', entry.event.occurredAt);
    traitsOf.set(entry.contactId, merged.traits);
    const actor = `event:${entry.event.messageId}`;
    for (const change of merged.changed) {
      audit.push({ contact_id: entry.contactId, trait: change.trait, before: change.before === undefined ? null : JSON.stringify(change.before), after: JSON.stringify(change.after), outcome: 'applied', actor });
    }
    for (const refusal of merged.protected) {
      audit.push({ contact_id: entry.contactId, trait: refusal.trait, before: JSON.stringify(refusal.kept), after: JSON.stringify(refusal.refused), outcome: 'refused', actor });
    }
  }
  for (const contactId of contactIds) {
    const traits = traitsOf.get(contactId) ?? {};
    const value = traits['email']?.value;
    const row = contacts.get(contactId);
    if (row === undefined) continue;
    contacts.set(contactId, { ...row, traits, email: typeof value === 'string' ? value : null });
    traitsChanged.add(contactId);
  }
  return { audit, traitsChanged };
}
