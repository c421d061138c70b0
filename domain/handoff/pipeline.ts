import { z } from 'zod';

/**
 * The default B2B pipeline with each stage's closing probability (DOMAIN.md, from the studies).
 * Stage names are persisted on hand-offs and sent to CRMs: never rename one.
 */
export const OPPORTUNITY_PIPELINE = [
  { stage: 'prospection', probability: 0 },
  { stage: 'qualification', probability: 10 },
  { stage: 'qualified_project', probability: 15 },
  { stage: 'proposal_writing', probability: 20 },
  { stage: 'proposal_sent', probability: 20 },
  { stage: 'proposal_follow_up', probability: 30 },
  { stage: 'negotiation', probability: 45 },
  { stage: 'favourable_negotiation', probability: 60 },
  { stage: 'verbal_agreement', probability: 80 },
  { stage: 'decision', probability: 90 },
  { stage: 'internal_acceptance', probability: 100 },
] as const;

export const OpportunityStage = z.enum(OPPORTUNITY_PIPELINE.map((entry) => entry.stage) as [OpportunityStageName, ...OpportunityStageName[]]);
type OpportunityStageName = (typeof OPPORTUNITY_PIPELINE)[number]['stage'];
export type OpportunityStage = z.infer<typeof OpportunityStage>;

export function closingProbability(stage: OpportunityStage): number {
  const entry = OPPORTUNITY_PIPELINE.find((candidate) => candidate.stage === stage);
  if (entry === undefined) throw new Error(`unknown opportunity stage ${stage}`);
  return entry.probability;
}
