/** A DNS name or an IP literal: no wildcards, which an exact-match allow-list must not pretend to support. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

/**
 * Parses a comma list of browser origins (`https://app.example.com`, `http://localhost:5173`) into
 * their canonical form, the form an `Origin` request header is compared with. Entries that are not
 * a bare http(s) origin (a path, a query, credentials, a wildcard) are returned as invalid, never guessed at.
 */
export function parseAllowedOrigins(list: string): { origins: string[]; invalid: string[] } {
  const origins = new Set<string>();
  const invalid: string[] = [];
  for (const entry of list.split(',').map((item) => item.trim()).filter(Boolean)) {
    const url = parseHttpUrl(entry);
    const bare =
      url && HOST.test(url.hostname) && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !/[?#]$/.test(entry);
    if (bare) origins.add(url.origin);
    else invalid.push(entry);
  }
  return { origins: [...origins], invalid };
}

/** `scheme://host[:port]` in lower case with a default port dropped, or undefined when `value` is no http(s) URL. */
export function canonicalOrigin(value: string): string | undefined {
  return parseHttpUrl(value)?.origin;
}

function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
