import { z } from 'zod';
import { BusinessHours } from './business-hours.js';

// No transforms here: the document is also a response schema, and zod cannot encode through a transform.
// Routing compares names, domains and codes case-insensitively instead.
const repEmail = z.email();
const names = z.array(z.string().trim().min(1)).default([]);

/** A territory: leads whose country, region or postcode matches go to the reps who cover it. */
export const Territory = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    countries: z.array(z.string().regex(/^[A-Za-z]{2}$/, 'ISO 3166 alpha-2 code')).default([]),
    regions: names,
    /** e.g. `75` (Paris) or `69` (Rhône); compared on the postcode without spaces. */
    postcodePrefixes: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'letters and digits')).default([]),
  })
  .refine((t) => t.countries.length + t.regions.length + t.postcodePrefixes.length > 0, 'a territory needs at least one country, region or postcode prefix');
export type Territory = z.infer<typeof Territory>;

/** An account already owned by a rep: its contacts go to that rep whatever the territory. */
export const AccountOwnership = z
  .object({
    owner: repEmail,
    companies: names,
    /** E-mail or website domains, e.g. `acme.com`. */
    domains: names,
    /** Account ids as the group call sends them (its `groupId`): the members of that account, exactly. */
    accountIds: z.array(z.string().min(1).max(200)).default([]),
  })
  .refine((a) => a.companies.length + a.domains.length + a.accountIds.length > 0, 'an account needs at least one company name, domain or account id');
export type AccountOwnership = z.infer<typeof AccountOwnership>;

export const SlaPolicy = z.object({
  businessHours: BusinessHours,
  /** The owner must accept or reject within this many business hours. */
  acceptWithinHours: z.number().positive().max(24 * 30).default(4),
  /** A reminder to the owner this many business hours after assignment; must come before the deadline. */
  reminderAfterHours: z.number().positive().max(24 * 30).default(2),
  /** At the deadline: the owner's manager is told, or the lead goes to another rep. */
  onBreach: z.enum(['escalate_to_manager', 'reassign']).default('escalate_to_manager'),
  /** Reassignments before the lead is escalated to a manager anyway. */
  maxReassignments: z.number().int().min(0).max(10).default(2),
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

/** How qualified leads reach sales. One document, versioned; a hand-off uses the version active when it is routed. */
export const RoutingRules = z
  .object({
    accounts: z.array(AccountOwnership).default([]),
    territories: z.array(Territory).default([]),
    /** Leads no rep can take (no match, everyone full or away) go to this shared queue, e.g. a team mailbox. */
    fallbackQueue: repEmail,
    sla: SlaPolicy,
    /** A rejected lead goes back to nurture (stage lead) after this many days. */
    recycleCooldownDays: z.number().min(0).max(365).default(30),
    /** Where each hand-off is delivered as a signed webhook; none: no CRM delivery. */
    crmWebhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        maxAttempts: z.number().int().min(1).max(20).default(6),
      })
      .optional(),
  })
  .superRefine((rules, ctx) => {
    const ids = new Set<string>();
    rules.territories.forEach((territory, index) => {
      if (ids.has(territory.id)) ctx.addIssue({ code: 'custom', path: ['territories', index, 'id'], message: `duplicate territory id ${territory.id}` });
      ids.add(territory.id);
    });
    if (rules.sla.reminderAfterHours >= rules.sla.acceptWithinHours) {
      ctx.addIssue({ code: 'custom', path: ['sla', 'reminderAfterHours'], message: 'the reminder must come before the deadline (acceptWithinHours)' });
    }
  });
export type RoutingRules = z.infer<typeof RoutingRules>;
export type RoutingRulesInput = z.input<typeof RoutingRules>;

/** What routing knows of a lead: declared traits only, no behaviour. */
export interface LeadForRouting {
  email: string | null;
  company: string | null;
  website: string | null;
  country: string | null;
  region: string | null;
  postcode: string | null;
  /** The account the lead belongs to (its newest group call): its id, and its name and website as the account's traits give them. */
  account?: { id: string; name: string | null; website: string | null } | null | undefined;
}

/** A rep as routing sees them, with the number of leads they hold open right now. */
export interface RepLoad {
  email: string;
  available: boolean;
  /** Most leads this rep may hold open (assigned, escalated or accepted) at once. */
  capacity: number;
  openLeads: number;
  /** Territory ids this rep covers. */
  territories: readonly string[];
}

export type MatchedRule =
  | { kind: 'account'; reason: string }
  | { kind: 'territory'; territoryId: string; reason: string }
  | { kind: 'round_robin'; reason: string }
  | { kind: 'fallback'; reason: string };

export interface RouteDecision {
  owner: string;
  rule: MatchedRule;
  /** Round-robin cursors to store: pool → last rep assigned from it. */
  cursors: Record<string, string>;
}

/** Round-robin pool of reps without a territory match. */
export const GENERAL_POOL = '*';

function domainOf(value: string | null): string | null {
  if (value === null) return null;
  const host = value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : value.replace(/^[a-z]+:\/\//i, '').split('/')[0];
  const domain = host?.trim().toLowerCase().replace(/^www\./, '');
  return domain === undefined || domain === '' ? null : domain;
}

function matchesTerritory(territory: Territory, lead: LeadForRouting): string | null {
  const country = lead.country?.trim().toUpperCase();
  if (country !== undefined && territory.countries.some((code) => code.toUpperCase() === country)) return `country ${country}`;
  const region = lead.region?.trim().toLowerCase();
  if (region !== undefined && territory.regions.some((name) => name.toLowerCase() === region)) return `region ${lead.region}`;
  const postcode = lead.postcode?.replace(/\s+/g, '').toUpperCase();
  if (postcode !== undefined && postcode !== '') {
    const prefix = territory.postcodePrefixes.find((candidate) => postcode.startsWith(candidate.toUpperCase()));
    if (prefix !== undefined) return `postcode prefix ${prefix}`;
  }
  return null;
}

/** The next rep after the cursor, in e-mail order, so every rep takes a turn even when the pool changes. */
function nextInTurn(candidates: readonly RepLoad[], cursor: string | undefined): RepLoad | undefined {
  const ordered = [...candidates].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  return ordered.find((rep) => cursor === undefined || rep.email > cursor) ?? ordered[0];
}

const hasRoom = (rep: RepLoad) => rep.available && rep.openLeads < rep.capacity;

/**
 * Who gets the lead, and which rule decided it, in this order:
 * 1. account ownership: a known account (account id, company name or domain, the lead's or its
 *    account's) goes to its owner, if available
 *    (capacity does not apply: the account is theirs);
 * 2. territory: round robin among the available reps covering the first matching territory who
 *    have room under their capacity (none: the fallback queue);
 * 3. no territory matches: round robin among every available rep with room;
 * 4. the fallback queue.
 * `exclude` lists reps who already had this lead (a reassignment after a missed SLA).
 */
export function routeLead(
  rules: RoutingRules,
  lead: LeadForRouting,
  reps: readonly RepLoad[],
  cursors: Readonly<Record<string, string>>,
  exclude: readonly string[] = [],
): RouteDecision {
  const excluded = new Set(exclude.map((email) => email.toLowerCase()));
  const eligible = reps.map((rep) => ({ ...rep, email: rep.email.toLowerCase() })).filter((rep) => !excluded.has(rep.email));
  const byEmail = new Map(eligible.map((rep) => [rep.email, rep]));
  const fallbackQueue = rules.fallbackQueue.toLowerCase();

  // The lead's own company and website, and those of the account it belongs to.
  const leadAccount = lead.account ?? null;
  const companies = [lead.company, leadAccount?.name].filter((name): name is string => typeof name === 'string' && name.trim() !== '');
  const domains = [domainOf(lead.email), domainOf(lead.website), domainOf(leadAccount?.website ?? null)].filter((domain): domain is string => domain !== null);
  for (const account of rules.accounts) {
    const byId = leadAccount !== null && account.accountIds.includes(leadAccount.id) ? leadAccount.id : undefined;
    const byCompany = companies.find((company) => account.companies.some((name) => name.toLowerCase() === company.trim().toLowerCase()));
    const owned = account.domains.map((domain) => domain.toLowerCase());
    const byDomain = domains.find((domain) => owned.some((mine) => domain === mine || domain.endsWith(`.${mine}`)));
    if (byId === undefined && byCompany === undefined && byDomain === undefined) continue;
    const owner = byEmail.get(account.owner.toLowerCase());
    if (owner?.available === true) {
      const why = byId !== undefined ? `account ${byId}` : byCompany !== undefined ? `company ${byCompany}` : `domain ${byDomain}`;
      return { owner: owner.email, rule: { kind: 'account', reason: `account owner of ${why}` }, cursors: {} };
    }
  }

  for (const territory of rules.territories) {
    const match = matchesTerritory(territory, lead);
    if (match === null) continue;
    const rep = nextInTurn(eligible.filter((candidate) => candidate.territories.includes(territory.id) && hasRoom(candidate)), cursors[territory.id]);
    if (rep !== undefined) {
      return {
        owner: rep.email,
        rule: { kind: 'territory', territoryId: territory.id, reason: `territory ${territory.id} (${match}), round robin among reps with room` },
        cursors: { [territory.id]: rep.email },
      };
    }
    // A lead of a covered territory waits for its own reps rather than going to someone else's.
    return { owner: fallbackQueue, rule: { kind: 'fallback', reason: `territory ${territory.id} (${match}): no rep available with room, fallback queue` }, cursors: {} };
  }

  const rep = nextInTurn(eligible.filter(hasRoom), cursors[GENERAL_POOL]);
  if (rep !== undefined) {
    return { owner: rep.email, rule: { kind: 'round_robin', reason: 'round robin among available reps with room' }, cursors: { [GENERAL_POOL]: rep.email } };
  }
  return { owner: fallbackQueue, rule: { kind: 'fallback', reason: 'no rep available with room: fallback queue' }, cursors: {} };
}
