/** The signed-in token and what the page needs from its claims. The server checks every request; these claims only shape the page. */
export interface Session {
  token: string;
  role: string;
  sub: string;
  /** The token's own tenant; absent for a platform admin, who picks one (`tenantId`). */
  tokenTenantId: string | undefined;
  tenantId: string | undefined;
  expiresAt: Date | undefined;
  /** A viewer token's fixed filters: the server narrows every read to them. */
  fixedFilters: Record<string, string>;
}

const TOKEN_KEY = 'audit-console.token';
const TENANT_KEY = 'audit-console.tenant';

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('This is not a JWT (it has no payload part).');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Record<string, unknown>;
}

export function sessionFor(token: string, chosenTenant?: string): Session {
  const claims = claimsOf(token);
  const tokenTenantId = typeof claims.tenant_id === 'string' ? claims.tenant_id : undefined;
  return {
    token,
    role: String(claims.role ?? ''),
    sub: String(claims.sub ?? ''),
    tokenTenantId,
    tenantId: tokenTenantId ?? chosenTenant,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    fixedFilters: typeof claims.filters === 'object' && claims.filters !== null ? (claims.filters as Record<string, string>) : {},
  };
}

/**
 * A `#token=…&tenant=…` link (printed by `npm run token`) signs in and is removed from the address
 * and the history at once; fragments never reach a server.
 */
export function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  const tenant = fragment.get('tenant');
  if (tenant) sessionStorage.setItem(TENANT_KEY, tenant);
  history.replaceState(null, '', `${location.pathname}#/search`);
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    return sessionFor(token, sessionStorage.getItem(TENANT_KEY) ?? undefined);
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  if (session.tenantId && !session.tokenTenantId) sessionStorage.setItem(TENANT_KEY, session.tenantId);
  else sessionStorage.removeItem(TENANT_KEY);
}

export function clearSession(): void {
  sessionStorage.clear();
}
