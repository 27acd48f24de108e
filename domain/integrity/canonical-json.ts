import canonicalize from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON as UTF-8 bytes: the same value always gives the same bytes. */
export function canonicalBytes(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return Buffer.from(text, 'utf8');
}
