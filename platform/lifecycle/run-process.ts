import type { Logger } from '../observability/logger';

export type Shutdown = () => Promise<void>;

/**
 * Runs a process's start function, then on SIGTERM or SIGINT (or the given `signals`) calls the shutdown it returned,
 * bounded by `graceMs`; a second signal or an overrun exits at once.
 */
export function runProcess(logger: Logger, graceMs: number, start: () => Promise<Shutdown>, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let stopping = false;
  const exit = (code: number) => {
    logger.flush?.();
    process.exit(code);
  };
  start()
    .then((shutdown) => {
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) return exit(1);
        stopping = true;
        logger.info({ signal }, 'shutting down');
        const overrun = setTimeout(() => {
          logger.error({ graceMs }, 'shutdown overran its grace period');
          exit(1);
        }, graceMs);
        overrun.unref();
        shutdown().then(
          () => exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            exit(1);
          },
        );
      };
      for (const signal of signals) process.on(signal, onSignal);
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'failed to start');
      exit(1);
    });
}
