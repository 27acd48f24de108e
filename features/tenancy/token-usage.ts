import type { Principal } from '../../domain/auth';
import type { Logger } from '../../platform/observability/logger';
import { isUuid } from '../../domain/uuid-text';

export interface TokenUsage {
  /** Remembers that the token was used now; nothing is written on the request path. */
  note(principal: Principal): void;
  start(): void;
  /** Writes what is pending, e.g. at shutdown. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export interface TokenUsageDeps {
  record: (uses: ReadonlyMap<string, Date>) => Promise<void>;
  /** Each token's last use is written at most once per this interval. */
  flushEveryMs: number;
  logger: Logger;
  /** Tokens remembered between two writes; beyond it new ones wait for the next interval. */
  maxPending?: number;
}

/**
 * `last_used_at` of minted tokens, kept coarse: uses are collected in memory and written in one
 * statement per interval. Only ids that can be minted ones (UUIDs) are kept; a failed write is
 * retried with the next batch.
 */
export function createTokenUsage(deps: TokenUsageDeps): TokenUsage {
  const { maxPending = 100_000 } = deps;
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await deps.record(new Map([...batch].map(([tokenId, at]) => [tokenId, new Date(at)])));
    } catch (error) {
      deps.logger.warn({ err: error, tokens: batch.size }, 'token last-use times not written; retrying with the next batch');
      for (const [tokenId, at] of batch) if (!pending.has(tokenId) && pending.size < maxPending) pending.set(tokenId, at);
    }
  }

  function flush(): Promise<void> {
    writing ??= write().finally(() => (writing = undefined));
    return writing;
  }

  return {
    note(principal) {
      const tokenId = principal.tokenId;
      if (!tokenId || !isUuid(tokenId)) return;
      if (pending.has(tokenId) || pending.size < maxPending) pending.set(tokenId, Date.now());
    },
    start() {
      timer = setInterval(() => void flush(), deps.flushEveryMs);
      timer.unref();
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
