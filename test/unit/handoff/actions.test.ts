import { describe, expect, it } from 'vitest';
import { closingProbability, decideSalesAction, OPPORTUNITY_PIPELINE, type HandoffState } from '../../../domain/handoff/index.js';

const assigned: HandoffState = { status: 'assigned', opportunityStage: null, rejectionReason: null, lostReason: null };

describe('sales actions on a hand-off', () => {
  it('accepting puts the opportunity at qualification; accepting again gives the same answer', () => {
    const accepted = decideSalesAction(assigned, { action: 'accept' });
    expect(accepted).toEqual({ kind: 'apply', next: { ...assigned, status: 'accepted', opportunityStage: 'qualification' } });
    expect(decideSalesAction(accepted.kind === 'apply' ? accepted.next : assigned, { action: 'accept' }).kind).toBe('repeat');
  });

  it('a rejection keeps its reason; the same rejection repeats, another reason or an accept conflicts', () => {
    const rejected = { ...assigned, status: 'rejected' as const, rejectionReason: 'student, no budget' };
    expect(decideSalesAction(assigned, { action: 'reject', reason: 'student, no budget' })).toEqual({ kind: 'apply', next: rejected });
    expect(decideSalesAction(rejected, { action: 'reject', reason: 'student, no budget' }).kind).toBe('repeat');
    expect(decideSalesAction(rejected, { action: 'reject', reason: 'other' }).kind).toBe('conflict');
    expect(decideSalesAction({ ...rejected, status: 'recycled' }, { action: 'accept' })).toEqual({ kind: 'conflict', message: 'the lead is recycled: it can no longer be accepted' });
  });

  it('opportunity stages, won and lost need an accepted lead', () => {
    const accepted = { ...assigned, status: 'accepted' as const, opportunityStage: 'qualification' as const };
    expect(decideSalesAction(assigned, { action: 'won' })).toEqual({ kind: 'conflict', message: 'accept the lead first' });
    expect(decideSalesAction(accepted, { action: 'opportunity', stage: 'negotiation' })).toEqual({ kind: 'apply', next: { ...accepted, opportunityStage: 'negotiation' } });
    const won = decideSalesAction(accepted, { action: 'won' });
    expect(won).toEqual({ kind: 'apply', next: { ...accepted, status: 'won', opportunityStage: 'internal_acceptance' } });
    expect(decideSalesAction({ ...accepted, status: 'won' }, { action: 'won' }).kind).toBe('repeat');
    expect(decideSalesAction({ ...accepted, status: 'won' }, { action: 'lost', reason: 'price' }).kind).toBe('conflict');
  });

  it('the pipeline follows the studies: qualification 10 %, negotiation 45 %, internal acceptance 100 %', () => {
    expect(OPPORTUNITY_PIPELINE).toHaveLength(11);
    expect(closingProbability('qualification')).toBe(10);
    expect(closingProbability('negotiation')).toBe(45);
    expect(closingProbability('internal_acceptance')).toBe(100);
  });
});
