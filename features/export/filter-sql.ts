import type { SqlCondition } from '../../adapters/postgres/inline-literals';
import { EXACT_FILTER_FIELDS, type LogFilter } from '../../domain/log-filter';

/**
 * The WHERE clause of `filter` in one tenant: tenant first, as every repository query (row-level
 * security is the second wall). `q` is not expressible here; callers match it with the search engine.
 */
export function tenantFilterSql(tenantId: string, filter: Omit<LogFilter, 'q'>): SqlCondition {
  const values: unknown[] = [tenantId];
  const conditions = ['tenant_id = $1'];
  const param = (value: unknown) => `$${values.push(value)}`;
  for (const field of EXACT_FILTER_FIELDS) {
    const value = filter[field];
    if (value === undefined) continue;
    conditions.push(field === 'ip_address' ? `ip_address = ${param(value)}::inet` : `${field} = ${param(value)}`);
  }
  if (filter.severity) conditions.push(`severity = ANY(${param(filter.severity)}::text[])`);
  if (filter.start_time) conditions.push(`event_timestamp >= ${param(filter.start_time)}::timestamptz`);
  if (filter.end_time) conditions.push(`event_timestamp < ${param(filter.end_time)}::timestamptz`);
  if (filter.matches_nothing) conditions.push('FALSE');
  return { where: conditions.join(' AND '), values };
}
