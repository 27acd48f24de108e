import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startTaskDelivery } from './start-task-delivery';
import { startTemporalWorker, workerProcessGraceMs } from './start-temporal-worker';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-background');

/**
 * Everything but the API in one process: the Temporal worker and task delivery (bridge + relay), as
 * `npm run up` and the image run them by default (BACKGROUND_PROCESS=combined). One Node runtime and
 * one copy of the Temporal SDK's protobuf code instead of two (issue 13's memory at rest), at the
 * price of one failure domain: a crash stops both roles, and they restart and scale together. The
 * split layout runs workers/temporal-worker.ts, workers/task-bridge.ts and workers/outbox-relay.ts.
 *
 * On SIGTERM the intake stops first (the bridge stops starting workflows, the relay stops
 * publishing), then the worker drains the activities in flight, all within the worker's grace.
 */
runProcess(logger, workerProcessGraceMs(config), async () => {
  const stopWorker = await startTemporalWorker(config, logger.child({ part: 'temporal-worker' }));
  const stopDelivery = await startTaskDelivery(config, logger);
  logger.info('background process ready');
  return async () => {
    await stopDelivery();
    await stopWorker();
  };
});
