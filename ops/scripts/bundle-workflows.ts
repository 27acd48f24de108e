import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Bundles the workflow code ahead of time, for TEMPORAL_WORKFLOW_BUNDLE: a worker that loads a
 * prebuilt bundle starts faster and never runs webpack, whose start-up peak would otherwise stay
 * in the worker's resident memory (~50 MB).
 *
 *   npx tsx ops/scripts/bundle-workflows.ts dist/workflow-bundle.js
 */
export async function bundleWorkflows(outPath: string): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error } });
  await writeFile(outPath, code);
  return code.length;
}

if (require.main === module) {
  const outPath = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  bundleWorkflows(outPath).then(
    (bytes) => console.log(`workflow bundle: ${outPath} (${(bytes / 1024 / 1024).toFixed(1)} MB)`),
    (error: unknown) => {
      console.error(`bundling failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
