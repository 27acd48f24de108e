import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startTaskBridge } from './compose-task-bridge';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-task-bridge');

/** The bridge alone (SQS → Temporal); workers/task-delivery.ts runs it together with the outbox relay. */
runProcess(logger, config.http.shutdownGraceMs, () => startTaskBridge(config, logger));
