import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signToken } from '../../platform/auth/sign-token';
import { loadConfig } from '../../platform/config/config';

/**
 * For run-schemathesis.sh: waits for the API at --api to be up, then prints shell `export` lines
 * with a platform admin token (signed with the configured key, as the token CLI does), a tenant
 * created through the API with a rate limit high enough never to answer 429 to the fuzzer, a user
 * and an auditor token minted for that tenant through the API, and a scratch tenant for the
 * operations that change tenants.
 */

const READY_TIMEOUT_MS = 90_000;

async function waitForHealth(api: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const up = await fetch(`${api}/healthz`).then((response) => response.ok, () => false);
    if (up) return;
    if (Date.now() > deadline) throw new Error(`the API at ${api} did not answer /healthz within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function call(api: string, token: string, path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, string>;
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { api: { type: 'string' } } });
  const api = values.api;
  if (!api) throw new Error('usage: fuzz-credentials.ts --api http://127.0.0.1:PORT');
  await waitForHealth(api);
  const run = randomUUID();
  const admin = signToken(loadConfig().jwt, { sub: `fuzz-admin-${run}`, role: 'admin', ttlSeconds: 3600 }).token;
  const tenant = await call(api, admin, '/api/v1/tenants', { name: `fuzz-${run}`, rate_limit: { per_second: 100_000, burst: 1_000_000 } });
  const tenantId = tenant.id as string;
  const mint = async (role: 'user' | 'auditor') =>
    (await call(api, admin, `/api/v1/tenants/${tenantId}/tokens`, { sub: `fuzz-${role}`, role, ttl_seconds: 3600 })).token as string;
  // The operations that change a tenant get one of their own: a PATCH that set the fuzz tenant's rate
  // limit to 1 per second would turn the rest of the run into 429s.
  const scratch = await call(api, admin, '/api/v1/tenants', { name: `fuzz-scratch-${run}` });
  const exports = {
    FUZZ_ADMIN_TOKEN: admin,
    FUZZ_TENANT_ID: tenantId,
    FUZZ_SCRATCH_TENANT_ID: scratch.id as string,
    FUZZ_USER_TOKEN: await mint('user'),
    FUZZ_AUDITOR_TOKEN: await mint('auditor'),
  };
  for (const [name, value] of Object.entries(exports)) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
