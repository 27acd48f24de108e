import { useEffect, useState } from 'preact/hooks';

/** The page lives in the fragment (`#/search?action=x`), so the server serves one document for every page. */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function current(): Route {
  const [path = '/search', search = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || '/search', params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function href(path: string, params?: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) if (value) search.set(name, value);
  const query = search.toString();
  return `#${path}${query ? `?${query}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | undefined>): void {
  location.hash = href(path, params);
}
