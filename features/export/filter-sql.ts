import { escapeLiteral } from 'pg';
import { EXACT_FILTER_FIELDS, type LogFilter } from '../../domain/log-filter';

export interface SqlCondition {
  /** A boolean SQL expression over `logs`, with $n placeholders for `values`. */
  where: string;
  values: unknown[];
}

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

const literal = (value: string) => escapeLiteral(value);

/** One bound value as an SQL literal: text, or an array of text. Undefined for what has none (a NUL character, another type). */
function sqlLiteral(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? undefined : literal(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && !item.includes('\u0000'))) return `ARRAY[${(value as string[]).map(literal).join(', ')}]`;
  return undefined;
}

/**
 * The condition with every `$n` replaced by its value as a quoted literal (pg's escapeLiteral:
 * quotes doubled, backslashes doubled under E''), for statements that take no parameters, such as
 * COPY. Undefined when a value cannot be written as a literal (text with a NUL character, which no
 * stored value holds): the caller then uses a statement with parameters.
 */
export function inlineSqlCondition(condition: SqlCondition): string | undefined {
  const literals = condition.values.map(sqlLiteral);
  if (literals.some((text) => text === undefined)) return undefined;
  // One pass over the text as built, never over substituted values, so a value that looks like $2 stays a value.
  return condition.where.replace(/\$(\d+)/g, (_, index: string) => literals[Number(index) - 1] as string);
}
