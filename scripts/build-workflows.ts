// `npm run build:workflows [-- <file>]` bundles the workflow code once (webpack, a few seconds), so
// workers started with WORKFLOW_BUNDLE_PATH=<file> skip bundling: faster restarts and deploys, and
// every worker of a release runs byte-identical workflow code.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/worker.js';

export async function buildWorkflowBundle(outputPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  await mkdir(path.dirname(outputPath), { recursive: true });
  await writeFile(outputPath, code);
  return outputPath;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const output = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  await buildWorkflowBundle(output);
  console.log(`workflow bundle written to ${output}; start workers with WORKFLOW_BUNDLE_PATH=${output}`);
}
