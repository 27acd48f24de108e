import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { to as copyTo } from 'pg-copy-streams';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { loadConfig } from '../../../platform/config/config';
import { SELECT_COLUMNS } from '../../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';
import type { LogFilter } from '../../../domain/log-filter';
import { createLogSearch } from '../../../adapters/opensearch/log-search';
import { httpClient } from './http';

export interface TimedQueries {
  /** Latencies in ms, one list per query, in the order given. */
  perQuery: number[][];
  /** Each query's total hits, from the warm-up round: the anchor must find what the service found. */
  totals: number[];
}

/** Runs `work(i)` (which returns the query's total hits) for every query `repetitions` times after one warm-up round, one at a time. */
async function timeEach(count: number, repetitions: number, work: (index: number) => Promise<number>): Promise<TimedQueries> {
  const totals: number[] = [];
  for (let i = 0; i < count; i++) totals.push(await work(i));
  const perQuery: number[][] = Array.from({ length: count }, () => []);
  for (let round = 0; round < repetitions; round++) {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await work(i);
      perQuery[i]?.push(performance.now() - started);
    }
  }
  return { perQuery, totals };
}

/** GET /logs with each query string, sequentially (latency, not throughput). */
export async function searchHttp(params: { url: string; token: string; queries: string[]; repetitions: number }): Promise<TimedQueries> {
  const http = httpClient(params.url, 1);
  const result = await timeEach(params.queries.length, params.repetitions, async (i) => {
    const response = await http.request('GET', `/api/v1/logs?${params.queries[i]}`, { authorization: `Bearer ${params.token}` });
    if (response.status !== 200) throw new Error(`search answered ${response.status}: ${response.body.slice(0, 300)}`);
    return (JSON.parse(response.body) as { total: number }).total;
  });
  http.close();
  return result;
}

/** The anchor: the same OpenSearch request the service builds (createLogSearch), sent straight to OpenSearch. */
export async function searchDirect(params: { tenantId: string; filters: LogFilter[]; pageSize: number; repetitions: number }): Promise<TimedQueries> {
  const config = loadConfig();
  const client = createOpenSearchClient(config.opensearch.url);
  const search = createLogSearch(client, config.opensearch.index);
  const result = await timeEach(params.filters.length, params.repetitions, async (i) => {
    return (await search.search(params.tenantId, { filter: params.filters[i] as LogFilter, sort: 'desc', pageSize: params.pageSize, page: 1 })).total;
  });
  await client.close();
  return result;
}

/** Follows next_cursor through `pages` pages, `walks` times; latencies per page number. */
export async function cursorWalk(params: { url: string; token: string; query: string; pages: number; walks: number }): Promise<{ perPage: number[][]; reached: number }> {
  const http = httpClient(params.url, 1);
  const perPage: number[][] = Array.from({ length: params.pages }, () => []);
  let reached = 0;
  for (let walk = 0; walk < params.walks; walk++) {
    let path = `/api/v1/logs?${params.query}`;
    for (let page = 0; page < params.pages; page++) {
      const started = performance.now();
      const response = await http.request('GET', path, { authorization: `Bearer ${params.token}` });
      perPage[page]?.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`cursor page ${page + 1} answered ${response.status}: ${response.body.slice(0, 300)}`);
      const cursor = (JSON.parse(response.body) as { next_cursor: string | null }).next_cursor;
      reached = Math.max(reached, page + 1);
      if (!cursor) break;
      path = `/api/v1/logs?cursor=${encodeURIComponent(cursor)}`;
    }
  }
  http.close();
  return { perPage: perPage.filter((samples) => samples.length > 0), reached };
}

export interface Transfer {
  rows: number;
  bytes: number;
  elapsedMs: number;
}

/** GET /logs/export, counting rows (lines) and bytes as they stream. */
export async function exportHttp(params: { url: string; token: string; format: 'ndjson' | 'csv' }): Promise<Transfer> {
  const http = httpClient(params.url, 1);
  const started = performance.now();
  const response = await http.download(`/api/v1/logs/export?format=${params.format}`, { authorization: `Bearer ${params.token}` });
  const elapsedMs = performance.now() - started;
  http.close();
  if (response.status !== 200) throw new Error(`export answered ${response.status}`);
  return { rows: params.format === 'csv' ? response.lines - 1 : response.lines, bytes: response.bytes, elapsedMs };
}

/** The anchor: COPY (the export's SELECT) TO STDOUT as the app role in the tenant's transaction, optionally gzipped. */
export async function exportCopy(params: { tenantId: string; gzip: boolean }): Promise<Transfer> {
  if (!/^[0-9a-f-]{36}$/.test(params.tenantId)) throw new Error('tenant id must be a uuid');
  const pool = createPgPool(loadConfig().postgres.url, 1, 'bench-copy-to');
  let rows = 0;
  let bytes = 0;
  const started = performance.now();
  await withTenantTx(pool, params.tenantId, async (tx) => {
    const source = tx.client.query(
      copyTo(`COPY (SELECT ${SELECT_COLUMNS} FROM logs WHERE tenant_id = '${params.tenantId}' ORDER BY event_timestamp, id) TO STDOUT`),
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
    source.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
    });
    await (params.gzip ? pipeline(source, createGzip(), sink) : pipeline(source, sink));
  });
  const elapsedMs = performance.now() - started;
  await pool.end();
  return { rows, bytes, elapsedMs };
}
