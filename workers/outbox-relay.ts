import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startOutboxRelay } from './compose-outbox-relay';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-outbox-relay');

/** The relay alone; workers/task-delivery.ts runs it together with the task bridge. */
runProcess(logger, config.http.shutdownGraceMs, () => startOutboxRelay(config, logger));
