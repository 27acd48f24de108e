import '../platform/lifecycle/source-maps';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { composeTemporalWorker } from './compose-temporal-worker';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-temporal-worker');

runProcess(logger, config.http.shutdownGraceMs + 5000, async () => {
  const composed = await composeTemporalWorker(config, logger);
  const running = composed.run();
  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'Temporal worker stopped with an error');
    process.exit(1);
  });
  return async () => {
    composed.worker.shutdown();
    await running;
  };
});
