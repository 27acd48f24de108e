import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from '../platform/observability/logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's SDK logs through the process's own JSON logger, at its level. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const { error, ...rest } = meta ?? {};
    logger[LEVELS[level]](error === undefined ? rest : { ...rest, err: error }, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

let installed = false;

/** Installs the SDK runtime once per process, before any worker or native connection exists. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  // Core (Rust) logs are forwarded too, so they arrive as JSON lines rather than coloured text.
  Runtime.install({
    logger: temporalLogger(logger.child({ component: 'temporal-sdk' })),
    // The process's own lifecycle (platform/lifecycle/run-process.ts) owns SIGTERM/SIGINT: left to the
    // SDK, a signal drained the worker at once, before a process sharing it with the task bridge had
    // stopped taking tasks in, and the entry point's own shutdown then found it already stopped.
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} } },
  });
  installed = true;
}
