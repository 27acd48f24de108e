import type { FieldError } from './field-error';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { nulCharacterErrors } from './nul-characters';

/**
 * One Ajv per compiled schema: schemas carry `$id`s (they name OpenAPI components), and one
 * registry would refuse a schema embedded in a second one, such as an event inside a bulk body.
 */
function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes, useDefaults: true });
  // ipv4/ipv6 accept exactly what node:net accepts minus IPv6 zone ids (fe80::1%eth0), which PostgreSQL's inet refuses.
  addFormats(ajv, ['date-time', 'uuid', 'email', 'uri', 'ipv4', 'ipv6']);
  return ajv;
}

function describe(error: ErrorObject): FieldError {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message: 'is not an allowed field' };
    case 'required':
      return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'pattern':
    case 'enum':
    case 'anyOf':
      return { path: error.instancePath, message: (error.parentSchema?.description as string | undefined) ?? error.message ?? 'is invalid' };
    default:
      return { path: error.instancePath, message: error.message ?? 'is invalid' };
  }
}

/**
 * A value that matches no alternative of an anyOf is reported once, by the anyOf's description, not
 * once more per alternative ("must match format ipv4", "must match format ipv6"); errors deeper
 * inside an alternative (`/rate_limit/burst`) still name their own field.
 */
function withoutAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const alternativeOf = (error: ErrorObject, anyOf: ErrorObject) => error.instancePath === anyOf.instancePath && error.schemaPath.startsWith(`${anyOf.schemaPath}/`);
  return errors.flatMap((error) => {
    if (error.keyword !== 'anyOf') return errors.some((anyOf) => anyOf.keyword === 'anyOf' && alternativeOf(error, anyOf)) ? [] : [error];
    const alternatives = errors.filter((other) => alternativeOf(other, error));
    // Alternatives that are formats (ipv4 or ipv6) say more together than "must match a schema in anyOf".
    const formats = alternatives.every((other) => other.keyword === 'format') ? alternatives.map((other) => `"${String(other.params.format)}"`) : [];
    return [formats.length > 0 ? { ...error, message: `must match format ${formats.join(' or ')}` } : error];
  });
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
export type Validator<S extends TSchema> = (input: unknown) => ValidationResult<Static<S>>;

function wrap<S extends TSchema>(validate: ValidateFunction): Validator<S> {
  return (input) => {
    const valid = validate(input);
    const unstorable = nulCharacterErrors(input);
    if (valid && unstorable.length === 0) return { ok: true, value: input as Static<S> };
    const seen = new Set<string>();
    const errors = [...(valid ? [] : withoutAlternatives(validate.errors ?? []).map(describe)), ...unstorable].filter((e) => {
      const key = `${e.path} ${e.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    return { ok: false, errors };
  };
}

/** Compiles a body schema once; the returned function reports every failing field. */
export function compileBody<S extends TSchema>(schema: S): Validator<S> {
  return wrap<S>(createAjv(false).compile(schema));
}

/** Like compileBody, but coerces query-string values to the schema's types. */
export function compileQuery<S extends TSchema>(schema: S): Validator<S> {
  return wrap<S>(createAjv('array').compile(schema));
}
