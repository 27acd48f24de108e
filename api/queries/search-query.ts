import { Type, type Static } from '@sinclair/typebox';
import type { LogFilter, SortOrder } from '../../domain/log-filter';
import { InvalidCursorError, type CursorCodec } from '../../adapters/opensearch/search-cursor';
import { MAX_PAGED_RESULTS, type LogSearchRequest } from '../../adapters/opensearch/log-search';
import type { FieldError } from '../../platform/validation/field-error';
import { problems } from '../problem';
import { filterRuleErrors, IncludeRestoredProperty, LogFilterQueryProperties, queryParser, stringEnum, toLogFilter } from './log-filter-query';

export const MAX_PAGE_SIZE = 100;
const SORTS = ['event_timestamp:desc', 'event_timestamp:asc'] as const;

export const SearchQuerySchema = Type.Object(
  {
    ...LogFilterQueryProperties,
    ...IncludeRestoredProperty,
    sort: Type.Optional(stringEnum(SORTS, 'event_timestamp:desc (newest first, the default) or event_timestamp:asc.', 'event_timestamp:desc')),
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: `1-based; page × page_size may not exceed ${MAX_PAGED_RESULTS} (use cursor beyond).` })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'The next_cursor of a previous page; it carries the query, so the filters may be omitted.' }),
    ),
  },
  { additionalProperties: false },
);

const wholeNumber = (value: unknown, fallback: number) => (value === undefined ? fallback : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN);

/** Numbered pages stop at OpenSearch's result window; the cursor goes on. */
function searchRuleErrors(raw: Record<string, unknown>): FieldError[] {
  const errors = filterRuleErrors(raw);
  const page = wholeNumber(raw.page, 1);
  const pageSize = wholeNumber(raw.page_size, 20);
  if (raw.cursor === undefined && pageSize <= MAX_PAGE_SIZE && page * pageSize > MAX_PAGED_RESULTS) {
    errors.push({ path: '/page', message: `page × page_size must be at most ${MAX_PAGED_RESULTS}; continue with next_cursor` });
  }
  return errors;
}

export const parseSearchQuery = queryParser(SearchQuerySchema, searchRuleErrors);
type SearchQuery = Static<typeof SearchQuerySchema>;

const FILTER_PARAMS = [...Object.keys(LogFilterQueryProperties), ...Object.keys(IncludeRestoredProperty)].filter((name) => name !== 'tenant_id');

export interface ResolvedSearch {
  request: LogSearchRequest;
  /** The 1-based number of the page being returned. */
  page: number;
}

function canonical(filter: LogFilter): string {
  return JSON.stringify(Object.fromEntries(Object.entries(filter).sort(([a], [b]) => a.localeCompare(b))));
}

const sortOf = (query: SearchQuery): SortOrder => (query.sort === 'event_timestamp:asc' ? 'asc' : 'desc');

function fromCursor(tenantId: string, query: SearchQuery & { cursor: string }, given: Set<string>, codec: CursorCodec): ResolvedSearch {
  const invalid = (message: string) => problems.badRequest(`The cursor cannot be used here: it ${message}.`, [{ path: '/cursor', message }]);
  let state;
  try {
    state = codec.decode(query.cursor);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw invalid('is not a cursor this service issued, or it was altered');
    throw error;
  }
  if (state.tenantId !== tenantId) throw invalid('was issued for another tenant');
  if (given.has('page')) throw problems.badRequest('Use either page or cursor.', [{ path: '/page', message: 'cannot be combined with cursor' }]);
  const filter = toLogFilter(query);
  if (FILTER_PARAMS.some((name) => given.has(name)) && canonical(filter) !== canonical(state.filter)) throw invalid('was issued for different filters');
  if (given.has('sort') && sortOf(query) !== state.sort) throw invalid('was issued for a different sort');
  const pageSize = given.has('page_size') && query.page_size ? query.page_size : state.pageSize;
  return { request: { filter: state.filter, sort: state.sort, pageSize, after: state.after }, page: state.page };
}

/** Turns a validated query into one search: a numbered page, or the continuation a cursor names. */
export function resolveSearch(tenantId: string, query: SearchQuery, rawQuery: Record<string, unknown>, codec: CursorCodec): ResolvedSearch {
  const given = new Set(Object.keys(rawQuery));
  if (query.cursor !== undefined) return fromCursor(tenantId, { ...query, cursor: query.cursor }, given, codec);
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? 20;
  return { request: { filter: toLogFilter(query), sort: sortOf(query), pageSize, page }, page };
}
