import type { Traits } from './traits.js';

// A group call's traits describe the account (the company), not the person. Each member carries
// them as its own traits under `account.<name>` (and the account's id as `account.id`), declared
// (source `form`, as identify traits are): fit rules (`account.employees`, `account.industry`),
// segments, searches, templates and hand-off routing read them like any trait, through the one
// path that writes traits. A contact in several accounts carries those of its newest group call.

export const ACCOUNT_TRAIT_PREFIX = 'account.';
export const ACCOUNT_ID_TRAIT = `${ACCOUNT_TRAIT_PREFIX}id`;

/**
 * The traits a member of `accountId` carries: every account trait under `account.<name>`, the id as
 * `account.id` (it wins over an account trait called `id`), and, for a contact that moves from another
 * account, null for the `account.` traits it carries from that one, so it does not keep the old one's.
 */
export function memberTraitsOf(accountId: string, account: Traits, member: Traits): Record<string, unknown> {
  const traits: Record<string, unknown> = {};
  // A value a rep set stays (mergeTraits would refuse to clear it anyway, and audit each refusal).
  if (accountIdOf(member) !== accountId) {
    for (const [name, trait] of Object.entries(member)) {
      if (name.startsWith(ACCOUNT_TRAIT_PREFIX) && trait.value !== null && trait.source !== 'sales') traits[name] = null;
    }
  }
  for (const [name, trait] of Object.entries(account)) traits[`${ACCOUNT_TRAIT_PREFIX}${name}`] = trait.value;
  traits[ACCOUNT_ID_TRAIT] = accountId;
  return traits;
}

/** The account a contact's traits say it belongs to (its newest group call), if any. */
export function accountIdOf(traits: Traits): string | undefined {
  const value = traits[ACCOUNT_ID_TRAIT]?.value;
  return typeof value === 'string' ? value : undefined;
}
