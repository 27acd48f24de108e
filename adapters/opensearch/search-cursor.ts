import { createSignedJson, UnsignedTokenError } from '../../platform/auth/signed-json';
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
 * Opaque, tamper-evident cursors (platform/auth/signed-json): the state is the caller's own query,
 * the signature stops a caller from moving a cursor to another tenant, query or position.
 */
export function createCursorCodec(secret: string) {
  const signed = createSignedJson(secret, DOMAIN);

  return {
    encode(state: CursorState): string {
      const payload: CursorPayload = { v: 1, t: state.tenantId, f: state.filter, s: state.sort, n: state.pageSize, p: state.page, a: state.after };
      return signed.encode(payload);
    },

    /** Throws InvalidCursorError for anything this server did not issue unchanged. */
    decode(cursor: string): CursorState {
      let payload: unknown;
      try {
        payload = signed.decode(cursor);
      } catch (error) {
        if (error instanceof UnsignedTokenError) throw new InvalidCursorError(error.message);
        throw error;
      }
      if (!isPayload(payload)) throw new InvalidCursorError('malformed cursor');
      return { tenantId: payload.t, filter: payload.f, sort: payload.s, pageSize: payload.n, page: payload.p, after: payload.a };
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
