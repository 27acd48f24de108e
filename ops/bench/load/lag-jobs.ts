import { performance } from 'node:perf_hooks';
import { createOpenSearchClient, type OpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { loadConfig } from '../../../platform/config/config';
import { generateEvents } from '../lib/events';
import { toRows, toSearchDocument } from '../lib/rows';
import { waitUntilSearchable } from '../lib/search-count';
import { summarizeLatencies, type LatencySummary } from '../lib/statistics';
import { httpClient, jsonHeaders } from './http';

export interface LagParams {
  tenantId: string;
  /** Events written, one at a time, `intervalMs` apart. */
  count: number;
  intervalMs: number;
  seed: number;
  /** Gives up on an event this long after it was acknowledged. */
  timeoutMs: number;
}

export interface LagResult {
  lag: LatencySummary;
  /** Events never seen by search before the timeout. */
  missing: number;
}

const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes events one by one with `write` (which resolves with the event's id once acknowledged) and
 * polls `_search` for the outstanding ids every POLL_MS: lag = first seen by search − acknowledged.
 */
async function measureLag(client: OpenSearchClient, index: string, params: LagParams, write: (i: number) => Promise<string>): Promise<LagResult> {
  const acked = new Map<string, number>();
  const lags: number[] = [];
  let writing = true;
  const poller = (async () => {
    while (writing || acked.size > 0) {
      const ids = [...acked.keys()];
      if (ids.length > 0) {
        const response = await client.search({ index, routing: params.tenantId, body: { query: { ids: { values: ids } }, size: ids.length, _source: false } as never });
        const seenAt = performance.now();
        for (const hit of (response.body as unknown as { hits: { hits: { _id: string }[] } }).hits.hits) {
          const at = acked.get(hit._id);
          if (at === undefined) continue;
          lags.push(seenAt - at);
          acked.delete(hit._id);
        }
        for (const [id, at] of acked) if (seenAt - at > params.timeoutMs) acked.delete(id);
      }
      await sleep(POLL_MS);
    }
  })();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < params.count; i++) {
    writes.push(write(i).then((id) => void acked.set(id, performance.now())));
    await sleep(params.intervalMs);
  }
  await Promise.all(writes);
  writing = false;
  await poller;
  return { lag: summarizeLatencies(lags), missing: params.count - lags.length };
}

/** POST /logs, then wait until `_search` finds the event. */
export async function indexLagHttp(params: LagParams & { url: string; token: string }): Promise<LagResult> {
  const config = loadConfig();
  const client = createOpenSearchClient(config.opensearch.url);
  const http = httpClient(params.url, 16);
  const bodies = generateEvents(params.seed, params.count).map((event) => JSON.stringify(event));
  const result = await measureLag(client, config.opensearch.index, params, async (i) => {
    const response = await http.request('POST', '/api/v1/logs', jsonHeaders(params.token), bodies[i]);
    if (response.status !== 201) throw new Error(`POST /logs answered ${response.status}`);
    return (JSON.parse(response.body) as { id: string }).id;
  });
  http.close();
  await client.close();
  return result;
}

/** The anchor: `_bulk` of the same document (refresh left to the index), then wait until `_search` finds it. */
export async function indexLagRaw(params: LagParams): Promise<LagResult> {
  const config = loadConfig();
  const client = createOpenSearchClient(config.opensearch.url);
  const rows = toRows(generateEvents(params.seed, params.count), 'bench');
  const result = await measureLag(client, config.opensearch.index, params, async (i) => {
    const row = rows[i] as (typeof rows)[number];
    await client.bulk({ body: [{ index: { _index: config.opensearch.index, _id: row.id, routing: params.tenantId } }, toSearchDocument(params.tenantId, row)] });
    return row.id;
  });
  await client.close();
  return result;
}

/** The anchor of sustained ingest: `_bulk` of `total` documents in batches from `concurrency` clients, timed until search sees them all. */
export async function bulkOpenSearch(params: { tenantId: string; total: number; batch: number; concurrency: number; seed: number; timeoutMs: number }): Promise<{ elapsedMs: number; seen: number }> {
  const config = loadConfig();
  const client = createOpenSearchClient(config.opensearch.url);
  const batches = Math.ceil(params.total / params.batch);
  const bodies = Array.from({ length: batches }, (_, b) =>
    toRows(generateEvents(params.seed + b, Math.min(params.batch, params.total - b * params.batch)), 'bench').flatMap((row) => [
      { index: { _index: config.opensearch.index, _id: row.id, routing: params.tenantId } },
      toSearchDocument(params.tenantId, row),
    ]),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: params.concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next];
        next += 1;
        const response = await client.bulk({ body: body as never });
        if (response.body.errors) throw new Error('raw _bulk: some documents were rejected');
      }
    }),
  );
  const searchable = await waitUntilSearchable(client, config.opensearch.index, params.tenantId, params.total, params.timeoutMs);
  await client.close();
  return { elapsedMs: searchable.at - started, seen: searchable.seen };
}
