import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface RelanceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests build one per file; WORKFLOW_BUNDLE_PATH in production); otherwise the workflows are bundled at start-up. */
  workflowBundle?: WorkflowBundleOption;
}

export function createRelanceWorker(options: RelanceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle === undefined ? { workflowsPath: WORKFLOWS_PATH } : { workflowBundle: options.workflowBundle }),
    // On SIGINT/SIGTERM the worker stops polling and lets in-flight activities (an SMTP send) finish.
    shutdownGraceTime: '30 seconds',
  });
}
