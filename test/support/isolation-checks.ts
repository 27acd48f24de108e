import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import type { HttpResponse } from './http-client';
import type { MatrixTenant, MatrixWorld } from './isolation-world';

/** A row a response returned: whatever carries a tenant_id, with the id it names. */
export interface ReturnedRow {
  tenant_id: string;
  id: string | undefined;
}

/** Counts what the matrix verified, for the report the issue asks for. */
export class IsolationTally {
  requests = 0;
  checks = 0;
  rows = 0;

  count(checks = 1): void {
    this.checks += checks;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object with a tenant_id anywhere in a JSON value (items, events, tasks, stream messages). */
export function rowsIn(value: unknown, rows: ReturnedRow[] = []): ReturnedRow[] {
  if (Array.isArray(value)) value.forEach((item) => rowsIn(item, rows));
  else if (isRecord(value)) {
    if (typeof value.tenant_id === 'string') {
      const id = typeof value.id === 'string' ? value.id : typeof value.task_id === 'string' ? value.task_id : undefined;
      rows.push({ tenant_id: value.tenant_id, id });
    }
    Object.values(value).forEach((item) => rowsIn(item, rows));
  }
  return rows;
}

/** The rows of a response body in any format the API returns: JSON, NDJSON or CSV. */
export function rowsOf(response: HttpResponse): ReturnedRow[] {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/csv')) return rowsIn(parseCsv(response.text, { columns: true, skip_empty_lines: true }));
  if (type.startsWith('application/x-ndjson')) return rowsIn(response.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown));
  return rowsIn(response.body);
}

/**
 * Nothing of another tenant in `text`: none of their tenant ids, log ids, task ids, actors or
 * message markers, wherever it appears (a field, a header-like value, an error message).
 */
export function expectNoForeignMarkers(world: MatrixWorld, caller: MatrixTenant | undefined, text: string, what: string, tally: IsolationTally): void {
  const markers = caller ? world.foreignMarkers(caller) : world.allMarkers();
  const found = markers.filter((marker) => text.includes(marker));
  expect(found, `${what}: identifiers of ${caller ? 'other tenants' : 'any tenant'} in the response`).to.deep.equal([]);
  tally.count();
}

/** Every returned row is the caller's: its tenant_id, and its id among the caller's (never another tenant's). */
export function expectOnlyOwnRows(world: MatrixWorld, caller: MatrixTenant, rows: ReturnedRow[], what: string, tally: IsolationTally): void {
  const foreignIds = new Set(world.tenants.filter((t) => t !== caller).flatMap((t) => [...t.logIds, ...t.taskIds]));
  for (const row of rows) {
    expect(row.tenant_id.toLowerCase(), `${what}: a row's tenant_id`).to.equal(caller.id);
    if (row.id) expect(foreignIds.has(row.id), `${what}: row ${row.id} belongs to another tenant`).to.equal(false);
    tally.count();
  }
  tally.rows += rows.length;
}

/** The parts of a response a client can compare: everything but the per-request id. */
function comparable(response: HttpResponse) {
  const body = isRecord(response.body) ? { ...response.body, request_id: undefined } : response.text;
  const headerNames = [...response.headers.keys()].filter((name) => name !== 'date').sort();
  return { status: response.status, contentType: response.headers.get('content-type'), headerNames, body };
}

/** A foreign object's 404 must not be told apart from a missing object's 404. */
export function expectSameAsMissing(foreign: HttpResponse, missing: HttpResponse, what: string, tally: IsolationTally): void {
  expect(foreign.status, `${what}: ${foreign.text}`).to.equal(404);
  expect(comparable(foreign), `${what}: the foreign id's answer differs from a missing id's`).to.deep.equal(comparable(missing));
  tally.count();
}
