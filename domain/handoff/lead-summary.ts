// The lead summary a rep reads before calling: who, which company, why now, where they came from,
// what they read and filled in, and the score's reasons. Pure: the database reads its inputs.

/** A trait or property as text a rep can read; numbers become text, blanks nothing. */
export const textOf = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null);

export interface LeadSummary {
  who: { contactId: string; name: string | null; email: string | null; jobTitle: string | null; phone: string | null };
  company: { name: string | null; size: number | null; website: string | null; country: string | null; region: string | null; postcode: string | null };
  handoff: { reason: string; source: string };
  leadSource: { firstSeenAt: string | null; firstEvent: string | null; campaign: string | null; referrer: string | null };
  score: {
    engagement: number;
    fitGrade: string;
    fitPoints: number;
    /** The ledger lines that weigh most now (decayed), each with its reason. */
    reasons: { reason: string; points: number; at: string }[];
    fitReasons: { trait: string; points: number; source: string }[];
  };
  pages: { path: string; views: number; lastViewedAt: string }[];
  forms: { type: string; form: string | null; at: string }[];
  lastActivityAt: string | null;
}

/** The events a rep reads as forms filled in. */
export const FORM_EVENTS = ['form_submitted', 'quote_requested', 'guide_requested', 'newsletter_subscribed'] as const;

/** How many score reasons, pages and forms a summary shows: what a rep reads, not the whole history. */
export const SUMMARY_LIMIT = 10;

export interface LeadSummaryInput {
  contactId: string;
  handoff: { reason: string; source: string };
  email: string | null;
  /** Trait values (not their sources). */
  traits: Record<string, unknown>;
  lastActivityAt: Date | null;
  firstEvent: { type: string; occurredAt: Date; properties: Record<string, unknown>; context: Record<string, unknown> } | undefined;
  pages: readonly { path: string | null; views: number; lastViewedAt: Date }[];
  forms: readonly { type: string; properties: Record<string, unknown>; occurredAt: Date }[];
  score:
    | {
        engagement: { total: number; lines: readonly { reason: string; points: number; decayedPoints: number; occurredAt: string }[] };
        fit: { grade: string; points: number; lines: readonly { trait: string; points: number; source: string }[] };
      }
    | undefined;
}

export function composeLeadSummary(input: LeadSummaryInput): LeadSummary {
  const { traits, firstEvent, score } = input;
  const name = [textOf(traits['firstName']), textOf(traits['lastName'])].filter(Boolean).join(' ') || textOf(traits['name']);
  const campaign = (firstEvent?.context['campaign'] ?? {}) as Record<string, unknown>;
  const page = (firstEvent?.context['page'] ?? {}) as Record<string, unknown>;
  const size = Number(traits['companySize']);
  // The reasons that weigh most now: decayed points, the newer first among equals.
  const reasons = (score?.engagement.lines ?? [])
    .filter((line) => line.points > 0)
    .toSorted((a, b) => b.decayedPoints - a.decayedPoints || (a.occurredAt < b.occurredAt ? 1 : -1))
    .slice(0, SUMMARY_LIMIT)
    .map((line) => ({ reason: line.reason, points: line.decayedPoints, at: line.occurredAt }));
  return {
    who: { contactId: input.contactId, name: name ?? null, email: input.email, jobTitle: textOf(traits['jobTitle']), phone: textOf(traits['phone']) },
    company: {
      name: textOf(traits['company']),
      size: Number.isFinite(size) && traits['companySize'] !== undefined ? size : null,
      website: textOf(traits['website']),
      country: textOf(traits['country']),
      region: textOf(traits['region']),
      postcode: textOf(traits['postcode'] ?? traits['postalCode']),
    },
    handoff: input.handoff,
    leadSource: {
      firstSeenAt: firstEvent?.occurredAt.toISOString() ?? null,
      firstEvent: firstEvent?.type ?? null,
      campaign: textOf(campaign['source']) ?? textOf(campaign['name']) ?? textOf(firstEvent?.properties['utm_source']),
      referrer: textOf(page['referrer']) ?? textOf(firstEvent?.properties['referrer']),
    },
    score: {
      engagement: score?.engagement.total ?? 0,
      fitGrade: score?.fit.grade ?? 'D',
      fitPoints: score?.fit.points ?? 0,
      reasons,
      fitReasons: (score?.fit.lines ?? []).map(({ trait, points, source }) => ({ trait, points, source })),
    },
    pages: input.pages.flatMap((row) => (row.path === null ? [] : [{ path: row.path, views: row.views, lastViewedAt: row.lastViewedAt.toISOString() }])),
    forms: input.forms.map((row) => ({ type: row.type, form: textOf(row.properties['form']), at: row.occurredAt.toISOString() })),
    lastActivityAt: input.lastActivityAt?.toISOString() ?? null,
  };
}
