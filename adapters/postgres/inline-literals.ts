import { escapeLiteral } from 'pg';

/** A boolean SQL expression with $n placeholders for `values`. */
export interface SqlCondition {
  where: string;
  values: unknown[];
}

/** One bound value as an SQL literal: text, or an array of text. Undefined for what has none (a NUL character, another type). */
function sqlLiteral(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? undefined : escapeLiteral(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && !item.includes('\u0000'))) return `ARRAY[${(value as string[]).map(escapeLiteral).join(', ')}]`;
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

/**
 * `COPY (select) TO STDOUT` writing the select's one text column verbatim, a newline after each:
 * CSV format with a delimiter and a quote that no JSON text holds (JSON escapes every control
 * character), so COPY never quotes or escapes a JSON line.
 */
export const copyJsonLines = (select: string): string => `COPY (${select}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;
