import type { HandoffStatus } from './actions.js';
import type { RoutingRules } from './routing.js';

// What happens when a rep lets a lead's SLA run out.

export type SlaBreachDecision =
  | { kind: 'answered'; status: HandoffStatus }
  | { kind: 'reassign' }
  | { kind: 'escalate'; to: string | null };

/**
 * Unless the owner answered meanwhile, the lead is reassigned (when the rules say so and
 * reassignments are left) or escalated to the owner's manager, or to the fallback queue when the
 * owner has no manager (and is not the queue already).
 */
export function decideSlaBreach(input: {
  status: HandoffStatus;
  owner: string | null;
  managerEmail: string | null;
  rules: Pick<RoutingRules, 'sla' | 'fallbackQueue'> | undefined;
  reassignmentsSoFar: number;
}): SlaBreachDecision {
  if (input.status !== 'assigned') return { kind: 'answered', status: input.status };
  const sla = input.rules?.sla;
  if (sla?.onBreach === 'reassign' && input.reassignmentsSoFar < sla.maxReassignments) return { kind: 'reassign' };
  const fallback = input.rules?.fallbackQueue ?? null;
  return { kind: 'escalate', to: input.managerEmail ?? (fallback !== input.owner ? fallback : null) };
}
