import { EXACT_FILTER_FIELDS, type LogFilter } from '../../domain/log-filter';
import { textQueryClause } from './text-query';

export type OpenSearchQuery = Record<string, unknown>;

/**
 * The query for `filter` inside one tenant. The tenant clause is added here, from the argument the
 * server resolved from the token, never from client input; callers also route by tenant.
 */
export function tenantFilterQuery(tenantId: string, filter: LogFilter): OpenSearchQuery {
  const clauses: OpenSearchQuery[] = [{ term: { tenant_id: tenantId } }];
  for (const field of EXACT_FILTER_FIELDS) {
    const value = filter[field];
    if (value !== undefined) clauses.push({ term: { [field]: value } });
  }
  if (filter.severity) clauses.push({ terms: { severity: filter.severity } });
  if (filter.start_time || filter.end_time) {
    clauses.push({
      range: {
        event_timestamp: {
          ...(filter.start_time ? { gte: filter.start_time } : {}),
          ...(filter.end_time ? { lt: filter.end_time } : {}),
          format: 'strict_date_optional_time',
        },
      },
    });
  }
  // Results are sorted by time, never by relevance, so `q` runs in filter context too: no scoring.
  if (filter.q) clauses.push(textQueryClause(filter.q));
  if (filter.matches_nothing) clauses.push({ match_none: {} });
  return { bool: { filter: clauses } };
}
