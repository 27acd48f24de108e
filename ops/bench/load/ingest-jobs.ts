import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { logsRepository } from '../../../adapters/postgres/logs-repository';
import { tasksRepository } from '../../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';
import { reindexPayload } from '../../../domain/event-time-range';
import type { NewLogRow } from '../../../domain/log-event';
import { copyInto } from '../lib/copy';
import { generateEvents } from '../lib/events';
import { COPY_COLUMNS, toCopyText, toRows } from '../lib/rows';
import { summarizeLatencies, type LatencySummary } from '../lib/statistics';
import { closedLoop } from './closed-loop';
import { httpClient, jsonHeaders } from './http';
import { openLoop, type OpenLoopResult } from './open-loop';
import type { JobControl } from './protocol';

export interface BulkParams {
  concurrency: number;
  durationMs: number;
  eventsPerBody: number;
  /** Distinct bodies prepared before the clock starts and sent in turn. */
  distinctBodies: number;
  seed: number;
}

export interface ThroughputResult {
  units: number;
  requests: number;
  failures: number;
  elapsedMs: number;
  unitsPerSecond: number;
  latency: LatencySummary;
}

const throughput = (result: Awaited<ReturnType<typeof closedLoop>>): ThroughputResult => ({ ...result, latency: summarizeLatencies(result.latencies) });

/** POST /logs/bulk with 1,000-event bodies from `concurrency` clients. */
export async function bulkHttp(params: BulkParams & { url: string; tokens: string[] }, control: JobControl): Promise<ThroughputResult> {
  const bodies = Array.from({ length: params.distinctBodies }, (_, i) => JSON.stringify({ logs: generateEvents(params.seed + i, params.eventsPerBody) }));
  const http = httpClient(params.url, params.concurrency);
  await control.readyThenWait();
  const result = await closedLoop(params.concurrency, params.durationMs, async (client, index) => {
    const token = params.tokens[client % params.tokens.length] as string;
    const response = await http.request('POST', '/api/v1/logs/bulk', jsonHeaders(token), bodies[index % bodies.length] as string);
    return response.status === 201 ? params.eventsPerBody : 0;
  });
  http.close();
  return throughput(result);
}

/** Fresh ids on prepared rows: every insert must be a new event (the primary key includes the id). */
const withFreshIds = (rows: readonly NewLogRow[]) => rows.map((row) => ({ ...row, id: uuidv7() }));

function preparedRows(params: BulkParams): NewLogRow[][] {
  return Array.from({ length: params.distinctBodies }, (_, i) => toRows(generateEvents(params.seed + i, params.eventsPerBody), 'bench'));
}

/** The anchor: COPY of the same rows into `logs` as the owner role (COPY FROM is refused under RLS for the app role). */
export async function bulkCopy(params: BulkParams & { ownerUrl: string; tenantIds: string[] }, control: JobControl): Promise<ThroughputResult> {
  const batches = preparedRows(params);
  // COPY text with the id column left out, so a batch gets fresh ids by prefixing them (no re-serialising).
  const templates = batches.map((rows) =>
    params.tenantIds.map((tenantId) => toCopyText(tenantId, rows).split('\n').filter(Boolean).map((line) => line.slice(line.indexOf('\t')))),
  );
  const pool = createPgPool(params.ownerUrl, params.concurrency, 'bench-copy');
  const clients = await Promise.all(Array.from({ length: params.concurrency }, () => pool.connect()));
  await control.readyThenWait();
  const result = await closedLoop(params.concurrency, params.durationMs, async (client, index) => {
    const lines = templates[index % templates.length]?.[client % params.tenantIds.length] as string[];
    let text = '';
    for (const line of lines) text += `${uuidv7()}${line}\n`;
    await copyInto(clients[client] as PoolClient, 'logs', text);
    return lines.length;
  });
  clients.forEach((c) => c.release());
  await pool.end();
  return throughput(result);
}

export type InsertMethod = 'unnest-insert' | 'copy-temp-insert-select';

/** The app role under RLS: the app's unnest INSERT, or COPY into a temp table then INSERT … SELECT. */
export async function insertPath(params: BulkParams & { appUrl: string; tenantIds: string[]; method: InsertMethod }, control: JobControl): Promise<ThroughputResult> {
  const batches = preparedRows(params);
  const pool = createPgPool(params.appUrl, params.concurrency, 'bench-insert-path');
  await control.readyThenWait();
  const result = await closedLoop(params.concurrency, params.durationMs, async (client, index) => {
    const tenantId = params.tenantIds[client % params.tenantIds.length] as string;
    const rows = withFreshIds(batches[index % batches.length] as NewLogRow[]);
    await withTenantTx(pool, tenantId, async (tx) => {
      if (params.method === 'unnest-insert') return logsRepository(tx).insertMany(tenantId, rows);
      // The stage has the copied columns only: positions are taken by the insert into logs.
      await tx.client.query(`CREATE TEMP TABLE IF NOT EXISTS bench_stage ON COMMIT DELETE ROWS AS SELECT ${COPY_COLUMNS} FROM logs WITH NO DATA`);
      await copyInto(tx.client, 'bench_stage', toCopyText(tenantId, rows));
      await tx.client.query(`INSERT INTO logs (${COPY_COLUMNS}) SELECT ${COPY_COLUMNS} FROM bench_stage`);
    });
    return rows.length;
  });
  await pool.end();
  return throughput(result);
}

export interface RateParams {
  rate: number;
  durationMs: number;
  seed: number;
}

export interface RateResult extends Omit<OpenLoopResult, 'latencies'> {
  latency: LatencySummary;
}

const rateResult = ({ latencies, ...rest }: OpenLoopResult): RateResult => ({ ...rest, latency: summarizeLatencies(latencies) });

/** Single POST /logs at a fixed rate, round-robin over tenants. */
export async function singleHttpRate(params: RateParams & { url: string; tokens: string[] }, control: JobControl): Promise<RateResult> {
  const count = Math.floor((params.rate * params.durationMs) / 1000);
  const bodies = generateEvents(params.seed, count).map((event) => JSON.stringify(event));
  const http = httpClient(params.url, 512);
  await control.readyThenWait();
  const result = await openLoop(params.rate, params.durationMs, 2000, async (index) => {
    const response = await http.request('POST', '/api/v1/logs', jsonHeaders(params.tokens[index % params.tokens.length] as string), bodies[index] as string);
    return response.status === 201;
  });
  http.close();
  return rateResult(result);
}

/** The anchor: the ingest transaction (event row + reindex task row, under RLS) straight to PostgreSQL at the same rate. */
export async function singlePgRate(params: RateParams & { appUrl: string; tenantIds: string[]; poolSize: number }, control: JobControl): Promise<RateResult> {
  const count = Math.floor((params.rate * params.durationMs) / 1000);
  const rows = toRows(generateEvents(params.seed, count), 'bench');
  const pool = createPgPool(params.appUrl, params.poolSize, 'bench-single-insert');
  await Promise.all(Array.from({ length: params.poolSize }, () => pool.query('SELECT 1')));
  await control.readyThenWait();
  const result = await openLoop(params.rate, params.durationMs, 2000, async (index) => {
    const tenantId = params.tenantIds[index % params.tenantIds.length] as string;
    const row = rows[index] as NewLogRow;
    await withTenantTx(pool, tenantId, async (tx) => {
      await logsRepository(tx).insertMany(tenantId, [row]);
      await tasksRepository(tx).create(tenantId, { taskId: uuidv7(), taskType: 'reindex', userId: 'bench', payload: reindexPayload([row]), progressTotal: 1 });
    });
    return true;
  });
  await pool.end();
  return rateResult(result);
}
