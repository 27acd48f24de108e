import type { Logger } from '../../platform/observability/logger';

/** Given to a waiter whose own stop (a consumer shutting down) ended the wait. */
export class GateWaitAbortedError extends Error {
  override readonly name = 'GateWaitAbortedError';
}

/** Also through sqs-consumer, which wraps what its pre-receive callback throws. */
export const isGateWaitAborted = (error: unknown): boolean =>
  error instanceof GateWaitAbortedError || (error instanceof Error && error.cause instanceof GateWaitAbortedError);

export interface DependencyGateOptions {
  /** Names the dependency in logs. */
  name: string;
  /** Resolves when the dependency answers; rejects (promptly: give it a deadline) when it does not. */
  probe(): Promise<unknown>;
  logger: Logger;
  /** First pause between probes while it is down; doubled after each failed probe up to `maxIntervalMs`. */
  initialIntervalMs?: number;
  maxIntervalMs: number;
}

/** Waits `ms`; rejects with GateWaitAbortedError as soon as `signal` aborts (a consumer stopping). */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GateWaitAbortedError('stopped while waiting'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GateWaitAbortedError('stopped while waiting'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether work that needs a dependency should be taken now. Consumers wait at the gate before each
 * receive; after a failed call they report it, the gate probes once, and if the dependency does not
 * answer the gate stays shut, probing with capped exponential backoff, until it answers. Messages
 * meanwhile stay in their queue without being received, so their receive count does not grow.
 * One gate per dependency and process, shared by every consumer that needs it.
 */
export function createDependencyGate(options: DependencyGateOptions) {
  const { name, probe, logger, initialIntervalMs = 1000, maxIntervalMs } = options;
  let down: Promise<void> | undefined;
  let checking: Promise<boolean> | undefined;
  let closed = false;
  const shutdown = new AbortController();

  const answers = () => probe().then(() => true, () => false);

  async function probeUntilUp(): Promise<void> {
    const since = Date.now();
    let interval = Math.min(initialIntervalMs, maxIntervalMs);
    let probes = 0;
    while (!closed) {
      await pause(interval, shutdown.signal).catch(() => undefined);
      if (closed) return;
      probes += 1;
      if (await answers()) {
        logger.info({ dependency: name, downForMs: Date.now() - since, probes }, `${name} answers again; taking work`);
        return;
      }
      interval = Math.min(interval * 2, maxIntervalMs);
    }
  }

  function shut(): void {
    if (down) return;
    logger.warn({ dependency: name }, `${name} does not answer; taking no work until it does`);
    down = probeUntilUp().finally(() => {
      down = undefined;
    });
  }

  return {
    /** Whether the gate is shut (the dependency was found down and has not answered since). */
    isShut: () => down !== undefined,

    /** Resolves at once while the dependency is believed up, else once it answers; rejects if `signal` aborts first. */
    whenOpen(signal?: AbortSignal): Promise<void> {
      const waiting = down;
      if (signal?.aborted) return Promise.reject(new GateWaitAbortedError('stopped while waiting'));
      if (!waiting) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new GateWaitAbortedError('stopped while waiting'));
        signal?.addEventListener('abort', onAbort, { once: true });
        void waiting.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    },

    /**
     * Probes now, e.g. after a call to the dependency failed (concurrent checks share one probe), and
     * shuts the gate if it does not answer. Returns whether it answered.
     */
    async check(): Promise<boolean> {
      if (down) return false;
      checking ??= answers().finally(() => {
        checking = undefined;
      });
      const up = await checking;
      if (!up) shut();
      return up;
    },

    /** Ends probing; waiters are released. */
    close(): void {
      closed = true;
      shutdown.abort();
    },
  };
}

export type DependencyGate = ReturnType<typeof createDependencyGate>;
