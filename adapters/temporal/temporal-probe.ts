import type { Client } from '@temporalio/client';

/**
 * A cheap call that needs the Temporal frontend and nothing of a namespace: resolves when it
 * answers within `timeoutMs`. The deadline also ends the client's own retries of an unreachable server.
 */
export function probeTemporal(temporal: Client, timeoutMs = 2000): Promise<unknown> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({}));
}
