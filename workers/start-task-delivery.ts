import type { Config } from '../platform/config/config';
import type { Shutdown } from '../platform/lifecycle/run-process';
import type { Logger } from '../platform/observability/logger';
import { startOutboxRelay } from './compose-outbox-relay';
import { startTaskBridge } from './compose-task-bridge';

/** The task bridge and the outbox relay over one logger, each line tagged with its `part`; returns one shutdown for both. */
export async function startTaskDelivery(config: Config, logger: Logger): Promise<Shutdown> {
  const stops = [await startTaskBridge(config, logger.child({ part: 'task-bridge' })), await startOutboxRelay(config, logger.child({ part: 'outbox-relay' }))];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
