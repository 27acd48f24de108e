export type Change = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffRow {
  path: string;
  before: string | undefined;
  after: string | undefined;
  change: Change;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every leaf of a JSON value by its path (`address.city`, `roles[1]`); an empty object or array is a leaf. */
function leaves(value: Json | undefined, path: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      leaves(child, childPath, into);
    }
  } else if (value !== undefined) {
    into.set(path || '(whole value)', JSON.stringify(value));
  }
  return into;
}

/**
 * A field-by-field comparison of an event's before_state and after_state, in the order the fields
 * first appear. A missing or null state (a creation has no before, a deletion no after) has no fields.
 */
export function diffStates(before: unknown, after: unknown): DiffRow[] {
  const old = leaves((before ?? undefined) as Json | undefined, '', new Map());
  const now = leaves((after ?? undefined) as Json | undefined, '', new Map());
  const paths = [...new Set([...old.keys(), ...now.keys()])];
  return paths.map((path) => {
    const was = old.get(path);
    const is = now.get(path);
    const change: Change = was === undefined ? 'added' : is === undefined ? 'removed' : was === is ? 'unchanged' : 'changed';
    return { path, before: was, after: is, change };
  });
}
