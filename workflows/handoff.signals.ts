import { defineSignal } from '@temporalio/workflow';
import type { HandoffStatus } from '../domain/handoff/index.js';

/** A rep acted on the lead; the API stored the action first, the signal carries only the new status. */
export interface SalesActionSignal {
  status: HandoffStatus;
}

// The name is persisted in histories: never rename it.
export const salesActionSignal = defineSignal<[SalesActionSignal]>('salesAction');
