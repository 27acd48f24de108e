import type { Config } from '../platform/config/config';
import type { Shutdown } from '../platform/lifecycle/run-process';
import type { Logger } from '../platform/observability/logger';
import { composeTemporalWorker } from './compose-temporal-worker';

/**
 * Runs the Temporal worker until its shutdown is called, which stops polling and waits for the
 * activities in flight (up to the worker's own shutdownGraceTime). A worker that stops by itself
 * (e.g. a fatal core error) takes its process down, so the supervisor starts a fresh one.
 */
export async function startTemporalWorker(config: Config, logger: Logger): Promise<Shutdown> {
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
}

/** How long a process running the worker may take to stop: the HTTP grace plus 5 s for activities in flight to finish. */
export function workerProcessGraceMs(config: Config): number {
  return config.http.shutdownGraceMs + 5000;
}
