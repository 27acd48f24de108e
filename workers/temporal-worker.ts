import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { startTemporalWorker, workerProcessGraceMs } from './start-temporal-worker';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-temporal-worker');

/** The worker alone; workers/background.ts runs it together with task delivery. */
runProcess(logger, workerProcessGraceMs(config), () => startTemporalWorker(config, logger));
