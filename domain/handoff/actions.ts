import { z } from 'zod';
import { OpportunityStage } from './pipeline.js';

/** Where a hand-off stands. Persisted: never rename a status. */
export const HandoffStatus = z.enum(['assigned', 'escalated', 'accepted', 'rejected', 'recycled', 'won', 'lost']);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

/** Statuses that still count against the owner's capacity and keep the contact from a second hand-off. */
export const OPEN_STATUSES: readonly HandoffStatus[] = ['assigned', 'escalated', 'accepted'];
export const SalesAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept') }),
  z.object({ action: z.literal('reject'), reason: z.string().trim().min(3).max(1000) }),
  z.object({ action: z.literal('opportunity'), stage: OpportunityStage }),
  z.object({ action: z.literal('won') }),
  z.object({ action: z.literal('lost'), reason: z.string().trim().min(3).max(1000) }),
]);
export type SalesAction = z.infer<typeof SalesAction>;

export interface HandoffState {
  status: HandoffStatus;
  opportunityStage: OpportunityStage | null;
  rejectionReason: string | null;
  lostReason: string | null;
}

export type ActionOutcome =
  | { kind: 'apply'; next: HandoffState }
  /** The action had already been taken: the same answer, nothing written. */
  | { kind: 'repeat'; next: HandoffState }
  | { kind: 'conflict'; message: string };

const apply = (next: HandoffState): ActionOutcome => ({ kind: 'apply', next });
const repeat = (state: HandoffState): ActionOutcome => ({ kind: 'repeat', next: state });
const conflict = (message: string): ActionOutcome => ({ kind: 'conflict', message });

/**
 * What a rep's action does to a hand-off. Taking the same action twice gives the same answer (a
 * retried request, a double click); an action that contradicts what was decided is a conflict.
 * Accepting puts the opportunity at qualification, where a hand-off lands in the pipeline.
 */
export function decideSalesAction(state: HandoffState, action: SalesAction): ActionOutcome {
  const { status } = state;
  switch (action.action) {
    case 'accept':
      if (status === 'assigned' || status === 'escalated') return apply({ ...state, status: 'accepted', opportunityStage: 'qualification' });
      if (status === 'accepted') return repeat(state);
      return conflict(`the lead is ${status}: it can no longer be accepted`);
    case 'reject':
      if (status === 'assigned' || status === 'escalated') return apply({ ...state, status: 'rejected', rejectionReason: action.reason });
      if ((status === 'rejected' || status === 'recycled') && state.rejectionReason === action.reason) return repeat(state);
      if (status === 'rejected' || status === 'recycled') return conflict(`the lead was already rejected: ${state.rejectionReason ?? ''}`);
      return conflict(`the lead is ${status}: only a lead waiting for an answer can be rejected`);
    case 'opportunity':
      if (status === 'accepted') return state.opportunityStage === action.stage ? repeat(state) : apply({ ...state, opportunityStage: action.stage });
      return conflict(status === 'assigned' || status === 'escalated' ? 'accept the lead first' : `the lead is ${status}: its opportunity is closed`);
    case 'won':
      if (status === 'accepted') return apply({ ...state, status: 'won', opportunityStage: 'internal_acceptance' });
      if (status === 'won') return repeat(state);
      return conflict(status === 'assigned' || status === 'escalated' ? 'accept the lead first' : `the lead is ${status}: it cannot be won`);
    case 'lost':
      if (status === 'accepted') return apply({ ...state, status: 'lost', lostReason: action.reason });
      if (status === 'lost' && state.lostReason === action.reason) return repeat(state);
      return conflict(status === 'assigned' || status === 'escalated' ? 'accept the lead first, or reject it' : `the lead is ${status}: it cannot be lost`);
  }
}
