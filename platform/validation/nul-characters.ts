import type { FieldError } from './field-error';

const MAX_REPORTED = 100;
const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The common answer, found without building a path for every value (as costly as the rest of validation). */
function containsNul(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('\u0000');
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some(containsNul);
  for (const key of Object.keys(node)) {
    if (key.includes('\u0000') || containsNul((node as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, so a string (or object key) carrying it would fail
 * deep in a transaction or an export stream. Every one in `value` is reported by its JSON Pointer
 * path, so the request is refused up front like any other invalid field.
 */
export function nulCharacterErrors(value: unknown): FieldError[] {
  if (!containsNul(value)) return [];
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string): void => {
    if (errors.length >= MAX_REPORTED) return;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) errors.push({ path, message: 'must not contain the NUL character (U+0000)' });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}/${index}`));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const at = `${path}/${pointerToken(key)}`;
        if (key.includes('\u0000')) errors.push({ path: at, message: 'must not contain the NUL character (U+0000)' });
        visit(item, at);
      }
    }
  };
  visit(value, '');
  return errors;
}
