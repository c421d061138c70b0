import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker/worker.js';

let runtimeInstalled = false;
/**
 * The SDK's runtime, once per test process: quiet (worker lifecycle lines at INFO drown the test
 * report; warnings and errors still show), and exporting its metrics where a test asks for them.
 */
export function quietRuntime(options: { prometheusBindAddress?: string } = {}): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(options.prometheusBindAddress === undefined
      ? {}
      : { telemetryOptions: { metrics: { prometheus: { bindAddress: options.prometheusBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } }),
  });
  runtimeInstalled = true;
}

/** Temporal's time-skipping test server, from the binary the project provisioned (never the SDK download). */
export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
}

/** Temporal's dev server (the same one `npm start` runs), in memory, for end-to-end tests. */
export function createDevServerEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1' },
  });
}

/** Bundling takes a second or two: once per test file. */
export function bundleWorkflows(workflowsPath: string = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
}
