import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { LogFilter } from '../../domain/log-filter';
import type { Logger } from '../../platform/observability/logger';
import type { TextMatcher } from '../../adapters/opensearch/text-match';
import { csvFormatter, encodeRows, ndjsonLines, type ExportFormat } from './export-formats';
import { csvCopyStatement, exportRowsRepository, ndjsonCopyStatement, type ExportRow } from './export-rows';
import { openTenantCopyOut } from '../../adapters/postgres/tenant-copy-out';
import type { RestoredCopies } from '../../adapters/opensearch/restored-copies';
import { RESTORED_COLUMN, withRestoredRows } from '../restore/restored-export-rows';

/** Events asked about per search request when `q` narrows an export. */
const TEXT_MATCH_BATCH = 500;

/** Every export holds one pooled connection for its whole download; this many may run per process. */
export const DEFAULT_MAX_CONCURRENT_EXPORTS = 4;

export class ExportCapacityError extends Error {
  override readonly name = 'ExportCapacityError';
}

export interface LogExportDeps {
  pool: Pool;
  text: TextMatcher;
  logger: Logger;
  maxConcurrent?: number;
  /** Restored copies, which include_restored adds before the live rows. */
  restored?: RestoredCopies;
}

/** Keeps the rows whose event matches `q` (the id is a row's first cell), asking the search engine about a batch at a time, in order. */
export function keepMatching(text: TextMatcher, tenantId: string, q: string) {
  return async function* (rows: AsyncIterable<ExportRow>): AsyncGenerator<ExportRow> {
    let batch: ExportRow[] = [];
    const flush = async function* () {
      const matching = await text.matching(tenantId, q, batch.map((row) => row[0] as string));
      for (const row of batch) if (matching.has(row[0] as string)) yield row;
      batch = [];
    };
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= TEXT_MATCH_BATCH) yield* flush();
    }
    yield* flush();
  };
}

/**
 * Told how many rows a download read once its last row has passed, before the download ends: a
 * rejection then cuts it short, so a download never completes without what `onEnd` does (e.g.
 * recording the read). A download that ends early (the client left, the database failed) is told
 * too, with the rows read so far; its rejection is only logged, as the download is already cut.
 */
export type ExportEnd = (rows: number) => Promise<void>;

/**
 * Passes `items` through (after `prefix`, when given), counting rows with `rowsIn`, and calls
 * `onEnd` as ExportEnd says: after the last item, or with the count so far when the stream ends early.
 */
function endingWith<T>(onEnd: ExportEnd, logger: Logger, tenantId: string, rowsIn: (item: T) => number, prefix?: T) {
  return async function* (items: AsyncIterable<T>): AsyncGenerator<T> {
    let rows = 0;
    let reachedEnd = false;
    try {
      if (prefix !== undefined) yield prefix;
      for await (const item of items) {
        rows += rowsIn(item);
        yield item;
      }
      reachedEnd = true;
      await onEnd(rows);
    } finally {
      if (!reachedEnd) await onEnd(rows).catch((error: unknown) => logger.error({ err: error, tenantId }, 'the end of an interrupted export was not handled'));
    }
  };
}

const oneRow = () => 1;

const NEWLINE = 10;
const QUOTE = 34;

/**
 * Counts the rows in a stream of export bytes: an NDJSON row is a line (JSON text holds no raw
 * newline); a CSV row ends at a newline outside double quotes (quotes inside a cell come doubled,
 * so each toggles twice). The state carries across chunks. Both jump from byte to byte of interest
 * with Buffer#indexOf: counting 250,000 CSV rows (148 MiB) took the API 0.5 s so, 0.9-1.1 s with a
 * loop over every byte in JavaScript.
 */
export function rowCounter(format: ExportFormat): (chunk: Buffer) => number {
  if (format === 'ndjson') {
    return (chunk) => {
      let rows = 0;
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows += 1;
      return rows;
    };
  }
  let quoted = false;
  return (chunk) => {
    let rows = 0;
    let at = 0;
    // The next quote and newline at or after `at`, each searched for again only once passed.
    let quote = chunk.indexOf(QUOTE);
    let newline = chunk.indexOf(NEWLINE);
    while (at < chunk.length) {
      if (quoted) {
        if (quote === -1) break;
        quoted = false;
        at = quote + 1;
        quote = chunk.indexOf(QUOTE, at);
        continue;
      }
      if (newline !== -1 && newline < at) newline = chunk.indexOf(NEWLINE, at);
      if (quote !== -1 && (newline === -1 || quote < newline)) {
        quoted = true;
        at = quote + 1;
        quote = chunk.indexOf(QUOTE, at);
      } else if (newline !== -1) {
        rows += 1;
        at = newline + 1;
        newline = chunk.indexOf(NEWLINE, at);
      } else {
        break;
      }
    }
    return rows;
  };
}

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);
const isClientGone = (error: unknown) => CLIENT_GONE.has((error as { code?: string })?.code ?? '');

/**
 * Exports read PostgreSQL, the source of truth, in one tenant transaction (row-level security
 * applies): a plain export as one COPY of the lines or rows PostgreSQL writes, every other one
 * through a server-side cursor; both under backpressure: rows are read only as fast as the
 * client downloads, so memory stays flat at any size. When the client goes away the response
 * stream is destroyed, which ends the pipeline, closes the cursor and releases the connection.
 */
export function createLogExport(deps: LogExportDeps) {
  const maxConcurrent = deps.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_EXPORTS;
  let running = 0;

  /**
   * A plain export (no `q`, no restored copies) is one COPY: PostgreSQL writes the lines (or CSV
   * rows, after the header written here), and its bytes go to the client as they come, under the
   * same backpressure as the cursor's rows.
   */
  async function openCopy(tenantId: string, format: ExportFormat, statement: string, onEnd: ExportEnd): Promise<Readable> {
    running += 1;
    let copy;
    try {
      copy = await openTenantCopyOut(deps.pool, tenantId, statement, deps.logger);
    } catch (error) {
      running -= 1;
      throw error;
    }
    void copy.done.finally(() => {
      running -= 1;
    });
    const body = new PassThrough();
    const header = format === 'csv' ? Buffer.from(encodeRows('csv', [], true)) : undefined;
    pipeline(copy.stream, endingWith(onEnd, deps.logger, tenantId, rowCounter(format), header), body).catch((error: unknown) => {
      body.destroy(error as Error);
      if (!isClientGone(error)) deps.logger.error({ err: error, tenantId }, 'export failed');
    });
    return body;
  }

  return {
    /** Resolves once the transaction is open, so an unreachable database is an error, not a broken download. */
    async open(tenantId: string, filter: LogFilter, format: ExportFormat, onEnd: ExportEnd = async () => undefined): Promise<Readable> {
      const { q, include_restored: includeRestored, ...sqlFilter } = filter;
      // Before any byte is sent: an unavailable search engine is then a 503, not a download cut short.
      if (q) await deps.text.check(tenantId, q);
      if (running >= maxConcurrent) throw new ExportCapacityError(`${maxConcurrent} exports are already running`);
      const copyStatement = q || includeRestored ? undefined : (format === 'csv' ? csvCopyStatement : ndjsonCopyStatement)(tenantId, sqlFilter);
      if (copyStatement !== undefined) return openCopy(tenantId, format, copyStatement, onEnd);
      running += 1;
      const body = new PassThrough();
      let started = false;
      let opened!: () => void;
      const ready = new Promise<void>((resolve) => (opened = resolve));
      const finished = withTenantTx(deps.pool, tenantId, async (tx) => {
        const rows = exportRowsRepository(tx).stream(tenantId, sqlFilter, format);
        started = true;
        opened();
        const matching = q ? keepMatching(deps.text, tenantId, q) : (source: AsyncIterable<ExportRow>) => source;
        const restored = includeRestored && deps.restored ? withRestoredRows(deps.restored, tenantId, filter, format) : undefined;
        const all = restored ?? ((source: AsyncIterable<ExportRow>) => source);
        const ending = endingWith<ExportRow>(onEnd, deps.logger, tenantId, oneRow);
        if (format === 'csv') await pipeline(rows, matching, all, ending, csvFormatter(restored ? [RESTORED_COLUMN] : []), body);
        else await pipeline(rows, matching, all, ending, ndjsonLines, body);
      }).finally(() => {
        running -= 1;
      });
      finished.catch((error: unknown) => {
        body.destroy(error as Error);
        // Before the stream started the caller gets the error itself; after, the download is cut short.
        if (started && !isClientGone(error)) deps.logger.error({ err: error, tenantId }, 'export failed');
      });
      await Promise.race([ready, finished]);
      return body;
    },
  };
}

export type LogExport = ReturnType<typeof createLogExport>;
