import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

export type Filters = Record<string, string | undefined>;

/** Exact-match filters of GET /logs, in the order the form shows them; the stream takes the same names. */
const TEXT_FILTERS: Array<[name: string, label: string]> = [
  ['user_id', 'User id'],
  ['action', 'Action'],
  ['resource', 'Resource'],
  ['resource_id', 'Resource id'],
  ['session_id', 'Session id'],
  ['ip_address', 'IP address'],
];
const SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const FILTER_NAMES = [...TEXT_FILTERS.map(([name]) => name), 'severity', 'q', 'start_time', 'end_time'];

/** Only the filter names of `params`, without empty values. */
export function filtersFrom(params: URLSearchParams | Filters): Filters {
  const get = (name: string) => (params instanceof URLSearchParams ? params.get(name) : params[name]) ?? undefined;
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, get(name) || undefined]).filter(([, value]) => value !== undefined));
}

/** `<input type=datetime-local>` speaks local time without a zone; the API speaks RFC 3339 in UTC. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

interface Props {
  id: string;
  initial: Filters;
  /** The live tail has neither full text nor a time range. */
  live?: boolean;
  submitLabel: string;
  onSubmit(filters: Filters): void;
}

export function FilterForm({ id, initial, live = false, submitLabel, onSubmit }: Props) {
  const [values, setValues] = useState<Filters>(initial);
  const set = (name: string, value: string | undefined) => setValues((previous) => ({ ...previous, [name]: value || undefined }));
  const severities = new Set((values.severity ?? '').split(',').filter(Boolean));
  const toggleSeverity = (severity: string, on: boolean) => {
    const next = SEVERITIES.filter((item) => (item === severity ? on : severities.has(item)));
    set('severity', next.join(','));
  };
  const field = (name: string, label: string, input: JSX.Element) => (
    <div class="field">
      <label for={`${id}-${name}`}>{label}</label>
      {input}
    </div>
  );
  const text = (name: string, label: string) =>
    field(name, label, <input id={`${id}-${name}`} name={name} value={values[name] ?? ''} onInput={(event) => set(name, event.currentTarget.value.trim())} />);

  return (
    <form
      class="filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(filtersFrom(values));
      }}
    >
      {!live && text('q', 'Full text (q)')}
      {TEXT_FILTERS.map(([name, label]) => text(name, label))}
      {!live &&
        field('start_time', 'From (inclusive)', <input id={`${id}-start_time`} type="datetime-local" step={1} value={toLocalInput(values.start_time)} onInput={(event) => set('start_time', fromLocalInput(event.currentTarget.value))} />)}
      {!live &&
        field('end_time', 'Until (exclusive)', <input id={`${id}-end_time`} type="datetime-local" step={1} value={toLocalInput(values.end_time)} onInput={(event) => set('end_time', fromLocalInput(event.currentTarget.value))} />)}
      <fieldset class="severities">
        <legend>Severity</legend>
        {SEVERITIES.map((severity) => (
          <label key={severity} class="check">
            <input type="checkbox" checked={severities.has(severity)} onChange={(event) => toggleSeverity(severity, event.currentTarget.checked)} />
            {severity}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit">{submitLabel}</button>
        <button type="button" class="secondary" onClick={() => { setValues({}); onSubmit({}); }}>
          Clear
        </button>
      </div>
    </form>
  );
}
