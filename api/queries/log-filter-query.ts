import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { IpAddress, LIMITS, SEVERITIES, type Severity } from '../../domain/log-event';
import type { LogFilter } from '../../domain/log-filter';
import { MAX_TEXT_QUERY_LENGTH } from '../../adapters/opensearch/text-query';
import { compileQuery, type Validator } from '../../platform/validation/ajv';
import type { FieldError } from '../../platform/validation/field-error';
import { problems } from '../problem';

/** A string restricted to `values`, reported by its description when it fails. */
export function stringEnum<T extends string>(values: readonly T[], description: string, fallback?: T) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], description, ...(fallback ? { default: fallback } : {}) });
}

const severityWord = `(?:${SEVERITIES.map((s) => [...s].map((c) => `[${c.toLowerCase()}${c}]`).join('')).join('|')})`;
const exact = (maxLength: number, description: string) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));

/** The filters of search, stats and export (api.md, `GET /logs`); each route adds its own parameters. */
export const LogFilterQueryProperties = {
  tenant_id: Type.Optional(Type.String({ format: 'uuid', description: 'The tenant to act on; required from a platform admin, ignored otherwise.' })),
  user_id: exact(LIMITS.idLength, 'Exact actor.'),
  action: exact(LIMITS.actionLength, 'Exact action, e.g. `user.login`.'),
  resource: exact(LIMITS.resourceLength, 'Exact resource type.'),
  resource_id: exact(LIMITS.idLength, 'Exact resource id.'),
  session_id: exact(LIMITS.idLength, 'Exact session id.'),
  severity: Type.Optional(
    Type.String({
      pattern: `^\\s*${severityWord}\\s*(?:,\\s*${severityWord}\\s*)*$`,
      description: 'One severity or a comma-separated list of INFO, WARNING, ERROR, CRITICAL (any case).',
      examples: ['ERROR,CRITICAL'],
    }),
  ),
  start_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events at or after this instant; not after end_time.' })),
  end_time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; events before this instant (exclusive): equal to start_time is an empty range.' })),
  ip_address: Type.Optional(IpAddress('Exact IPv4 or IPv6 address.')),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_TEXT_QUERY_LENGTH,
      description:
        'Full text over message, action, resource and metadata values. Simple syntax: words (all must match), ' +
        '"quoted phrases", +must, -must_not, a|b, (grouping), prefix*. Anything else is plain text.',
      examples: ['"password reset" -admin'],
    }),
  ),
} satisfies TProperties;

/** Search, stats and export only: the restored copies of archived events too (api.md, "Restores"). */
export const IncludeRestoredProperty = {
  include_restored: Type.Optional(
    Type.Boolean({ default: false, description: 'true: also the restored copies of archived events (marked `"restored": true`) whose restore has not expired.' }),
  ),
} satisfies TProperties;

type FilterQuery = Static<TObject<typeof LogFilterQueryProperties>> & { include_restored?: boolean };

/** RFC 3339 allows more digits than JavaScript keeps; stored times are whole milliseconds, so round up. */
function toMillisCeil(value: string): number {
  const millis = Date.parse(value);
  const fraction = /\.\d{3}(\d+)/.exec(value)?.[1];
  return fraction && /[1-9]/.test(fraction) ? millis + 1 : millis;
}

const timeOf = (value: unknown) => (typeof value === 'string' ? toMillisCeil(value) : NaN);

// Both stores hold years 1 to 9999 only; JSON Schema's date-time also admits leap second 60 and year 0.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** What JSON Schema cannot check about the filters; run on the raw query so every error is reported at once. */
export function filterRuleErrors(raw: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const [start, end] = [timeOf(raw.start_time), timeOf(raw.end_time)];
  for (const [name, millis] of [['start_time', start], ['end_time', end]] as const) {
    const valid = typeof raw[name] === 'string' && !Number.isNaN(Date.parse(raw[name]));
    if ((typeof raw[name] === 'string' && !valid) || millis < EARLIEST || millis > LATEST) {
      errors.push({ path: `/${name}`, message: 'must be an RFC 3339 date-time between years 1 and 9999' });
    }
  }
  // end_time is exclusive: equal times are an empty range (no results), a reversed one a mistake.
  if (start > end) {
    errors.push({ path: '/start_time', message: 'must not be after end_time' }, { path: '/end_time', message: 'must not be before start_time' });
  }
  return errors;
}

/** Normalises a validated query's filters so that equal filters compare equal. */
export function toLogFilter(query: FilterQuery): LogFilter {
  const filter: LogFilter = {};
  for (const field of ['user_id', 'action', 'resource', 'resource_id', 'session_id', 'ip_address', 'q'] as const) {
    if (query[field] !== undefined) filter[field] = query[field];
  }
  if (query.severity !== undefined) {
    const severities = new Set(query.severity.split(',').map((s) => s.trim().toUpperCase() as Severity));
    filter.severity = SEVERITIES.filter((s) => severities.has(s));
  }
  if (query.start_time !== undefined) filter.start_time = new Date(toMillisCeil(query.start_time)).toISOString();
  if (query.end_time !== undefined) filter.end_time = new Date(toMillisCeil(query.end_time)).toISOString();
  if (query.include_restored === true) filter.include_restored = true;
  return filter;
}

/**
 * A query-string parser for one route: 400 naming every parameter the route does not know (a typo
 * must not silently widen a search), then 422 naming every invalid value, from the schema and from
 * `rules` (checks a schema cannot express) together.
 */
export function queryParser<S extends TObject>(schema: S, rules: (raw: Record<string, unknown>) => FieldError[] = filterRuleErrors) {
  const known = new Set(Object.keys(schema.properties));
  const validate: Validator<S> = compileQuery(schema);
  return (raw: Record<string, unknown>): Static<S> => {
    const unknown = Object.keys(raw).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw problems.badRequest(
        `Unknown query parameter(s): ${unknown.join(', ')}.`,
        unknown.map((name) => ({ path: `/${name}`, message: 'is not a known query parameter' })),
      );
    }
    const parsed = validate({ ...raw });
    const schemaErrors = parsed.ok ? [] : parsed.errors;
    const reported = new Set(schemaErrors.map((error) => error.path));
    const errors = [...schemaErrors, ...rules(raw).filter((error) => !reported.has(error.path))];
    if (!parsed.ok || errors.length > 0) throw problems.validationFailed(errors);
    return parsed.value;
  };
}
