import type { Session } from './session';

/** An RFC 9457 problem the API answered with, or a network failure as one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export type Query = Record<string, string | undefined>;

/** `/api/v1<path>?query`, with the platform admin's chosen tenant added unless `allTenants`. */
export function apiUrl(session: Session, path: string, query: Query = {}, allTenants = false): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  if (!session.tokenTenantId && session.tenantId && !allTenants) params.set('tenant_id', session.tenantId);
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
  return new ApiError(response.status, body.title ?? response.statusText, body.detail);
}

export async function send(session: Session, method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJson<T>(session: Session, url: string): Promise<T> {
  return (await send(session, 'GET', url)).json() as Promise<T>;
}

export async function postJson<T>(session: Session, url: string, body?: unknown): Promise<T> {
  return (await send(session, 'POST', url, body)).json() as Promise<T>;
}

/** Saves a response as a file: fetched with the token in a header, never by putting it in a link. */
export async function download(session: Session, url: string, fallbackName: string): Promise<void> {
  const response = await send(session, 'GET', url);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
