import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { TASK_TYPE_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from '../../adapters/temporal/search-attributes';

/** The one sealer run of a tenant at a time is whichever holds this id. */
export const sealWorkflowId = (tenantId: string) => `seal-${tenantId}`;

/**
 * Asks each tenant's sealer to seal what was committed: signals its running sealWorkflow, or starts
 * one. Called after ingest's transactions committed (from the task bridge), never inside them.
 */
export function createSealRequester(deps: { temporal: Client; taskQueue: string; sealIdleSeconds?: number }) {
  return async function requestSeals(tenantIds: Iterable<string>): Promise<void> {
    // Settled, not raced: no request is left retrying in the background when one fails.
    const results = await Promise.allSettled(
      [...new Set(tenantIds)].map((tenantId) =>
        deps.temporal.workflow.signalWithStart('sealWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId: sealWorkflowId(tenantId),
          args: [{ tenantId, idleSeconds: deps.sealIdleSeconds }],
          signal: 'sealRequested',
          signalArgs: [],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: TENANT_ID_ATTRIBUTE, value: [tenantId] },
            { key: TASK_TYPE_ATTRIBUTE, value: 'integrity_seal' },
          ]),
        }),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
}
