import type { Pool } from 'pg';
import type { LeanOpenSearchClient } from '../adapters/opensearch/lean-opensearch-client';
import { createLogExport, type LogExport } from '../features/export/log-export';
import type { Logger } from '../platform/observability/logger';
import { createLogSearch, type LogSearch } from '../adapters/opensearch/log-search';
import { createLogStats, type LogStats } from '../adapters/opensearch/log-stats';
import { createCursorCodec, type CursorCodec } from '../adapters/opensearch/search-cursor';
import { createTextMatcher } from '../adapters/opensearch/text-match';
import { createRestoredCopies } from '../adapters/opensearch/restored-copies';

/** The read side of the logs: search and stats on OpenSearch, export from PostgreSQL. */
export interface LogQueryServices {
  search: LogSearch;
  stats: LogStats;
  exports: LogExport;
  cursors: CursorCodec;
}

export interface LogQueryDeps {
  pool: Pool;
  opensearch: LeanOpenSearchClient;
  index: string;
  cursorSecret: string;
  logger: Logger;
}

export function createLogQueryServices(deps: LogQueryDeps): LogQueryServices {
  return {
    search: createLogSearch(deps.opensearch, deps.index),
    stats: createLogStats(deps.opensearch, deps.index),
    exports: createLogExport({
      pool: deps.pool,
      text: createTextMatcher(deps.opensearch, deps.index),
      logger: deps.logger,
      restored: createRestoredCopies(deps.opensearch, deps.index),
    }),
    cursors: createCursorCodec(deps.cursorSecret),
  };
}
