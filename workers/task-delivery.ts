import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startTaskDelivery } from './start-task-delivery';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-task-delivery');

/**
 * The task bridge and the outbox relay in one process: one Node runtime, one set of SQS and
 * PostgreSQL modules instead of two. workers/background.ts adds the Temporal worker (what `npm run up`
 * runs by default); workers/task-bridge.ts and workers/outbox-relay.ts run each alone.
 */
runProcess(logger, config.http.shutdownGraceMs, () => startTaskDelivery(config, logger));
