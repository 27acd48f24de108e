import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startOutboxRelay } from './compose-outbox-relay';
import { startTaskBridge } from './compose-task-bridge';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-task-delivery');

/**
 * The task bridge and the outbox relay in one process, as `npm run up` and the image run them: one
 * Node runtime, one set of SQS and PostgreSQL modules instead of two (issue 13's memory at rest).
 * Each keeps its own entry point (workers/task-bridge.ts, workers/outbox-relay.ts) to scale apart.
 */
runProcess(logger, config.http.shutdownGraceMs, async () => {
  const stops = [await startTaskBridge(config, logger.child({ part: 'task-bridge' })), await startOutboxRelay(config, logger.child({ part: 'outbox-relay' }))];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
});
