import type { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { LOG_COLUMNS, type LogEvent } from '../domain/log-event';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); the
// full-width forms are normalised to them by some. csv-stringify's own option misses LF.
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Prefixes a single quote to a cell a spreadsheet would evaluate. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** CSV with a header row: columns in table order, JSON objects as JSON text, formulas neutralised. */
export function csvFormatter(): Transform {
  return stringify({
    header: true,
    columns: [...LOG_COLUMNS],
    cast: {
      string: (value) => neutraliseFormula(value),
      object: (value) => neutraliseFormula(JSON.stringify(value)),
    },
  });
}

/** One JSON document per line, every field of the event. */
export async function* ndjsonLines(events: AsyncIterable<LogEvent>): AsyncGenerator<string> {
  for await (const event of events) yield `${JSON.stringify(event)}\n`;
}
