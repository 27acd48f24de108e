import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LogFilter, SortOrder } from '../../domain/log-filter';

/** Where a cursor resumes: the sort values (event time in ms, id) of the last event already returned. */
export type SortPosition = [number, string];

/** What a cursor carries: the whole query, its tenant and the position, so a request may omit the filters. */
export interface CursorState {
  tenantId: string;
  filter: LogFilter;
  sort: SortOrder;
  pageSize: number;
  /** The 1-based number of the page this cursor opens. */
  page: number;
  after: SortPosition;
}

interface CursorPayload {
  v: 1;
  t: string;
  f: LogFilter;
  s: SortOrder;
  n: number;
  p: number;
  a: SortPosition;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const DOMAIN = 'audit-log/search-cursor/v1';

function isPosition(value: unknown): value is SortPosition {
  return Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string';
}

function isPayload(value: unknown): value is CursorPayload {
  const p = value as Partial<CursorPayload> | null;
  return (
    typeof p === 'object' && p !== null && p.v === 1 && typeof p.t === 'string' && typeof p.f === 'object' && p.f !== null &&
    (p.s === 'asc' || p.s === 'desc') && Number.isSafeInteger(p.n) && Number.isSafeInteger(p.p) && isPosition(p.a)
  );
}

/**
 * Opaque, tamper-evident cursors: base64url(JSON) and an HMAC-SHA256 over it with the server's
 * secret. The state is not secret (it is the caller's own query); the signature stops a caller
 * from moving a cursor to another tenant, query or position.
 */
export function createCursorCodec(secret: string) {
  const sign = (body: string) => createHmac('sha256', secret).update(`${DOMAIN}.${body}`).digest();

  return {
    encode(state: CursorState): string {
      const payload: CursorPayload = { v: 1, t: state.tenantId, f: state.filter, s: state.sort, n: state.pageSize, p: state.page, a: state.after };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },

    /** Throws InvalidCursorError for anything this server did not issue unchanged. */
    decode(cursor: string): CursorState {
      const [body, signature, extra] = cursor.split('.');
      if (!body || !signature || extra !== undefined) throw new InvalidCursorError('malformed cursor');
      const expected = sign(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError('cursor signature does not match');
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError('malformed cursor');
      }
      if (!isPayload(payload)) throw new InvalidCursorError('malformed cursor');
      return { tenantId: payload.t, filter: payload.f, sort: payload.s, pageSize: payload.n, page: payload.p, after: payload.a };
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
