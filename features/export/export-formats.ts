import type { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { LOG_COLUMNS } from '../../domain/log-event';

/** The table's columns, then `seq` (the event's place in the tamper-evident log; empty while unsealed). */
export const EXPORT_COLUMNS = [...LOG_COLUMNS, 'seq'] as const;

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); the
 * full-width forms are normalised to them by some. csv-stringify's own option misses LF. The one
 * list both CSV writers use: neutraliseFormula here, and the COPY's SQL (export-rows.ts).
 */
export const FORMULA_FIRST_CHARACTERS = ['=', '+', '-', '@', '\t', '\r', '\n', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'] as const;
const FORMULA_FIRST = new Set<string>(FORMULA_FIRST_CHARACTERS);

/** Prefixes a single quote to a cell a spreadsheet would evaluate. */
export function neutraliseFormula(cell: string): string {
  return cell.length > 0 && FORMULA_FIRST.has(cell[0] as string) ? `'${cell}` : cell;
}

const CSV_OPTIONS = { columns: [...EXPORT_COLUMNS], cast: { string: (value: string) => neutraliseFormula(value) } };

/** CSV with a header row from rows of text cells in column order; JSON columns arrive as JSON text; formulas neutralised. */
export function csvFormatter(extraColumns: readonly string[] = []): Transform {
  return stringify({ ...CSV_OPTIONS, columns: [...EXPORT_COLUMNS, ...extraColumns], header: true });
}

/**
 * A run of rows as text, exactly as the streaming encoders write them: runs encoded one after the
 * other (the header only in the first) concatenate to the bytes of one stream over all the rows.
 */
export function encodeRows(format: ExportFormat, rows: readonly string[][], header: boolean): string {
  if (format === 'csv') return stringifySync(rows as string[][], { ...CSV_OPTIONS, header });
  return rows.length === 0 ? '' : `${rows.map((row) => row[1]).join('\n')}\n`;
}

/**
 * Lines written per chunk: one write per line would cost more than the line itself, while a chunk
 * kept well under V8's large-object size (~128 KiB) dies young instead of waiting for a full GC.
 */
const LINES_PER_CHUNK = 64;

/** One JSON document per line, from rows of `[id, line]`. */
export async function* ndjsonLines(rows: AsyncIterable<string[]>): AsyncGenerator<string> {
  let chunk: string[] = [];
  for await (const row of rows) {
    chunk.push(row[1] as string);
    if (chunk.length >= LINES_PER_CHUNK) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}
