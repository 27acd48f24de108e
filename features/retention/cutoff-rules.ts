import type { FieldError } from '../../platform/validation/field-error';

/**
 * A cutoff in the future would archive and then delete events as they arrive: almost certainly a
 * mistyped date, and irreversible for the live store, so it is refused rather than clamped.
 */
export function checkCutoff(beforeDate: Date, now: Date, path = '/before_date'): FieldError[] {
  if (Number.isNaN(beforeDate.getTime())) return [{ path, message: 'must be an RFC 3339 date-time' }];
  if (beforeDate.getTime() > now.getTime()) return [{ path, message: 'must not be in the future' }];
  return [];
}

export class InvalidCutoffError extends Error {
  override readonly name = 'InvalidCutoffError';
}
