import { pause as pauseUnlessStopped } from './dependency-gate';

export interface ReceivePacerOptions {
  /** Messages one receive asks for. */
  batchSize: number;
  /** How long the receive after a part batch waits (0: never). */
  thinQueuePauseMs: number;
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * A receive that brought a part batch means the queue is thin: the next one waits a moment, so a
 * trickle of small transactions (single POSTs, recorded reads) gathers into a few workflow starts a
 * second instead of one per transaction, each of them Temporal, worker and PostgreSQL work on the
 * cores the API serves from. After an empty long poll (idle) or a full batch (a backlog) the next
 * receive goes at once, so neither a lone event nor a backlog waits for it.
 */
export function createReceivePacer(options: ReceivePacerOptions) {
  const pause = options.pause ?? pauseUnlessStopped;
  let lastBatchSize = 0;
  return {
    /** Call with each received batch's size. */
    received(count: number): void {
      lastBatchSize = count;
    },
    /** Resolves when the next receive may go; rejects as `pause` does when `signal` aborts. */
    async beforeReceive(signal: AbortSignal): Promise<void> {
      const thin = lastBatchSize > 0 && lastBatchSize < options.batchSize;
      lastBatchSize = 0;
      if (thin && options.thinQueuePauseMs > 0) await pause(options.thinQueuePauseMs, signal);
    },
  };
}
