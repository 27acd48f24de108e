import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/logger';
import { answerClusterMetricsRequests } from '../observability/cluster-metrics';

export interface ClusterOptions {
  processes: number;
  graceMs: number;
  /** A worker that dies unasked is started again after this long. */
  restartDelayMs?: number;
}

/**
 * Runs `serve` in `processes` node:cluster workers that share the listening port (the primary
 * hands out connections round-robin), or in this process when one is enough. The primary only
 * supervises: it restarts a worker that died, and on SIGTERM/SIGINT asks every worker to drain
 * (SIGTERM, which each worker's runProcess handles) and exits when all have.
 */
export function runClustered(logger: Logger, options: ClusterOptions, serve: () => void): void {
  if (options.processes <= 1 || cluster.isWorker) {
    serve();
    return;
  }
  const { processes, graceMs, restartDelayMs = 1_000 } = options;
  let stopping = false;
  const fork = () => cluster.fork({ AUDIT_API_WORKER: '1' });
  answerClusterMetricsRequests();
  cluster.on('exit', (worker: Worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('every API process stopped');
        process.exit(0);
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'an API process died; starting another');
    setTimeout(() => stopping || fork(), restartDelayMs).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping every API process');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error({ graceMs }, 'API processes overran the grace period');
      process.exit(1);
    }, graceMs + 2_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < processes; i += 1) fork();
  logger.info({ processes }, 'API serving from several processes');
}

/**
 * In a cluster worker, SIGINT from a terminal reaches the whole process group at once; the primary
 * turns it into one SIGTERM per worker, so a worker ignores SIGINT to avoid reading it as a second,
 * "exit now" signal.
 */
export function shutdownSignals(): NodeJS.Signals[] {
  if (!cluster.isWorker) return ['SIGTERM', 'SIGINT'];
  process.on('SIGINT', () => undefined);
  return ['SIGTERM'];
}
