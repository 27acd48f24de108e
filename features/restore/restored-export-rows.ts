import type { RestoredCopies, RestoredCopy } from '../../adapters/opensearch/restored-copies';
import type { LogFilter } from '../../domain/log-filter';
import { EXPORT_COLUMNS, type ExportFormat } from '../export/export-formats';
import type { ExportRow } from '../export/export-rows';

/** The CSV column that tells a restored copy (`true`) from a live event (empty), present only with include_restored. */
export const RESTORED_COLUMN = 'restored';

const cell = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** A copy as an export row: `[id, NDJSON line]`, or its CSV cells in the export's column order plus the restored cell. */
function toExportRow(copy: RestoredCopy, format: ExportFormat): ExportRow {
  if (format === 'csv') return [...EXPORT_COLUMNS.map((column) => cell(copy[column])), 'true'] as ExportRow;
  const event = Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, copy[column] ?? null]));
  return [copy.id, JSON.stringify({ ...event, restored: true })];
}

/**
 * With include_restored, an export holds the tenant's unexpired restored copies first (archived
 * events, older than the live ones), each marked, then the live events; each part in
 * (event_timestamp, id) order. In CSV every row gets the extra `restored` cell.
 */
export function withRestoredRows(copies: RestoredCopies, tenantId: string, filter: LogFilter, format: ExportFormat) {
  return async function* (live: AsyncIterable<ExportRow>): AsyncGenerator<ExportRow> {
    for await (const copy of copies.stream(tenantId, filter)) yield toExportRow(copy, format);
    for await (const row of live) yield format === 'csv' ? ([...row, ''] as ExportRow) : row;
  };
}
