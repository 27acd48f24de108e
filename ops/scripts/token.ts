import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { issuedTokensRepository } from '../../adapters/postgres/issued-tokens-repository';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { signToken } from '../../platform/auth/sign-token';
import { loadConfig } from '../../platform/config/config';
import { loadDotenv } from '../../platform/config/load-dotenv';
import { ROLES, type Role } from '../../domain/auth';
import { VIEWER_FILTER_FIELDS, type ViewerFilters } from '../../domain/viewer-filters';

const USAGE = 'usage: npm run token -- --role admin|user|auditor|viewer [--tenant TENANT_ID] [--sub NAME] [--ttl SECONDS] [--filter user_id|resource|resource_id=VALUE ...]';

/** A viewer's `--filter FIELD=VALUE` options as its fixed filters. */
function viewerFilters(role: Role, given: readonly string[]): ViewerFilters | undefined {
  if (given.length === 0) return undefined;
  if (role !== 'viewer') throw new Error('--filter is for viewer tokens only');
  const filters: ViewerFilters = {};
  for (const option of given) {
    const [field, value] = [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)];
    if (!(VIEWER_FILTER_FIELDS as readonly string[]).includes(field) || !value) throw new Error(`--filter must be FIELD=VALUE with FIELD one of ${VIEWER_FILTER_FIELDS.join(', ')}`);
    filters[field as keyof ViewerFilters] = value;
  }
  return filters;
}

/**
 * Signs a token with the configured key. A tenant's token carries a `jti` and is recorded (so an
 * admin can list and revoke it) before it is printed; a platform admin token belongs to no tenant
 * and is not recorded (rotate the key to withdraw those). Also prints a link that opens the web console
 * signed in with the token.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      tenant: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      filter: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== 'admin' && !values.tenant) throw new Error(`a ${role} token needs --tenant`);
  const filters = viewerFilters(role, values.filter);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('--ttl must be a positive whole number of seconds');
  loadDotenv();
  const config = loadConfig();
  const sub = values.sub ?? `cli-${role}`;
  const tokenId = randomUUID();
  const tenantId = values.tenant?.toLowerCase();
  const { token, expiresAt } = signToken(config.jwt, { sub, role, tenantId, ttlSeconds, tokenId, filters });
  if (tenantId) {
    const pool = createPgPool(config.postgres.url, 1, 'audit-token-cli');
    try {
      await withTenantTx(pool, tenantId, (tx) => issuedTokensRepository(tx).record(tenantId, { tokenId, sub, role, expiresAt, filters }));
    } catch (error) {
      if ((error as { code?: string }).code === '23503') throw new Error(`no tenant ${tenantId}`, { cause: error });
      throw error;
    } finally {
      await pool.end();
    }
  }
  console.log(token);
  // On stderr, so `$(npm run -s token …)` still captures the bare token. The fragment never reaches a
  // server, and the console removes it from the address bar and history as soon as it has read it.
  const base = config.http.publicUrl ?? `http://127.0.0.1:${config.http.port}`;
  console.error(`Console: ${base.replace(/\/$/, '')}/console/#token=${token}`);
}

main().catch((error: unknown) => {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
});
