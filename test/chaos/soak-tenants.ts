import { signToken } from '../../platform/auth/sign-token';
import { loadConfig } from '../../platform/config/config';
import type { Environment } from './chaos-sandbox';

export interface SoakTenants {
  ids: string[];
  /** A `user` token per tenant, valid for the whole soak. */
  tokens: Map<string, string>;
}

/** A platform admin's token for the whole soak (tenants, cleanups). */
export function soakAdminToken(env: Environment): string {
  return signToken(loadConfig(env).jwt, { sub: 'chaos-admin', role: 'admin', ttlSeconds: 24 * 3600 }).token;
}

/** Creates the soak's tenants through the API (as an admin would) and mints each a user token there. */
export async function createSoakTenants(apiUrl: string, admin: string, count: number, seed: number, retentionDays: number): Promise<SoakTenants> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${apiUrl}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json()) as Record<string, string>;
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const ids: string[] = [];
  const tokens = new Map<string, string>();
  for (let i = 1; i <= count; i++) {
    const tenant = await post('/tenants', { name: `chaos-${seed}-${Date.now()}-${i}`, retention_days: retentionDays });
    const id = tenant.id as string;
    const minted = await post(`/tenants/${id}/tokens`, { sub: 'chaos-client', role: 'user', ttl_seconds: 24 * 3600 });
    ids.push(id);
    tokens.set(id, minted.token as string);
  }
  return { ids, tokens };
}
