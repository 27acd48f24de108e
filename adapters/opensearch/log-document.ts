import type { LogEvent } from '../../domain/log-event';

function collectLeaves(value: unknown, into: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) value.forEach((item) => collectLeaves(item, into));
  else if (typeof value === 'object') Object.values(value as object).forEach((item) => collectLeaves(item, into));
  else into.push(String(value));
}

/** The search document of an event: every stored field, plus the metadata values as text. */
export function toLogDocument(event: LogEvent): Record<string, unknown> {
  const leaves: string[] = [];
  collectLeaves(event.metadata, leaves);
  return { ...event, metadata_text: leaves.length > 0 ? leaves.join(' ') : null };
}
