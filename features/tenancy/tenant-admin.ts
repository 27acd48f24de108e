import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { signToken } from '../../platform/auth/sign-token';
import type { Config } from '../../platform/config/config';
import { tenantsRepository, type Tenant, type TenantChanges } from '../../adapters/postgres/tenants-repository';
import type { TenantCreate, TenantUpdate, TenantView, TokenRequestBody } from '../../domain/tenant';
import type { IngestService } from '../ingest/ingest-service';
import type { RateLimitPolicy } from '../../adapters/redis/tenant-rate-limiter';
import { platformEventRow } from './tenant-events';
import { tenantView } from './tenant-view';
import { issuedTokensRepository } from '../../adapters/postgres/issued-tokens-repository';

/** Someone else changed the tenant between our read and our write. */
export class ConcurrentTenantChangeError extends Error {
  override readonly name = 'ConcurrentTenantChangeError';
}

/** This deployment verifies tokens but holds no key to sign them (e.g. RS256 with a JWKS only). */
export class TokenMintingUnavailableError extends Error {
  override readonly name = 'TokenMintingUnavailableError';
}

export interface TenantAdminDeps {
  pool: Pool;
  ingest: IngestService;
  /** Told about changes so this replica's cached limits are fresh at once. */
  onTenantChanged: (tenantId: string) => void;
  defaults: RateLimitPolicy;
  jwt: Config['jwt'];
}

const CHANGE_KEYS = ['name', 'retention_days', 'rate_limit_per_second', 'rate_limit_burst'] as const;

function changesOf(current: Tenant, update: TenantUpdate): TenantChanges {
  const wanted: TenantChanges = {
    ...(update.name !== undefined ? { name: update.name } : {}),
    ...(update.retention_days !== undefined ? { retention_days: update.retention_days } : {}),
    ...(update.rate_limit !== undefined ? { rate_limit_per_second: update.rate_limit?.per_second ?? null, rate_limit_burst: update.rate_limit?.burst ?? null } : {}),
  };
  return Object.fromEntries(CHANGE_KEYS.filter((key) => key in wanted && wanted[key] !== current[key]).map((key) => [key, wanted[key]]));
}

/** The platform admin's use cases: tenants and the tokens that act in them, each change audited in the tenant's log. */
export function createTenantAdmin(deps: TenantAdminDeps) {
  const { pool, ingest, defaults } = deps;

  const view = (tenant: Tenant): TenantView => tenantView(tenant, defaults);

  return {
    async create(input: TenantCreate, actor: string): Promise<TenantView> {
      const id = randomUUID();
      let created: Tenant | undefined;
      const event = platformEventRow({ action: 'tenant.created', actor, resource: 'tenant', resourceId: id, message: `Tenant "${input.name}" created.`, after: { ...input } }, new Date());
      await ingest.ingest(id, actor, [event], {
        alsoInTransaction: async (tx) => {
          created = await tenantsRepository(tx.client).create({
            id,
            name: input.name,
            retentionDays: input.retention_days,
            rateLimit: input.rate_limit && { perSecond: input.rate_limit.per_second, burst: input.rate_limit.burst },
          });
        },
      });
      return view(created as Tenant);
    },

    async list(page: number, pageSize: number) {
      const { items, total } = await tenantsRepository(pool).list({ limit: pageSize, offset: (page - 1) * pageSize });
      return { items: items.map(view), page, page_size: pageSize, total };
    },

    async get(tenantId: string): Promise<TenantView | undefined> {
      const tenant = await tenantsRepository(pool).findById(tenantId);
      return tenant && view(tenant);
    },

    /** Applies the changes and records them as one `tenant.updated` event, in one transaction; nothing to change records nothing. */
    async update(tenantId: string, update: TenantUpdate, actor: string): Promise<TenantView | undefined> {
      const current = await tenantsRepository(pool).findById(tenantId);
      if (!current) return undefined;
      const changes = changesOf(current, update);
      const keys = Object.keys(changes) as (keyof TenantChanges)[];
      if (keys.length === 0) return view(current);
      const before = Object.fromEntries(keys.map((key) => [key, current[key]]));
      const described = keys.map((key) => `${key} ${JSON.stringify(current[key])} → ${JSON.stringify(changes[key])}`).join(', ');
      const event = platformEventRow({ action: 'tenant.updated', actor, resource: 'tenant', resourceId: tenantId, message: `Tenant settings changed: ${described}.`, before, after: { ...changes } }, new Date());
      let updated: Tenant | undefined;
      await ingest.ingest(tenantId, actor, [event], {
        alsoInTransaction: async (tx) => {
          const repository = tenantsRepository(tx.client);
          const locked = await repository.findById(tenantId, { forUpdate: true });
          if (!locked || keys.some((key) => locked[key] !== current[key])) throw new ConcurrentTenantChangeError('the tenant changed while this update was applied');
          updated = await repository.update(tenantId, changes);
        },
      });
      deps.onTenantChanged(tenantId);
      return view(updated as Tenant);
    },

    /**
     * Signs a token bound to the tenant, and records it (so it can be listed and revoked) together
     * with its `token.issued` event (who, for whom, which role, until when; never the token).
     */
    async mintToken(tenantId: string, request: TokenRequestBody, actor: string) {
      if (!deps.jwt.signKey) throw new TokenMintingUnavailableError('this deployment holds no signing key (JWT_SECRET or JWT_PRIVATE_KEY)');
      if (!(await tenantsRepository(pool).exists(tenantId))) return undefined;
      const tokenId = randomUUID();
      const { sub, role, filters } = request;
      const { token, expiresAt } = signToken(deps.jwt, { sub, role, tenantId, ttlSeconds: request.ttl_seconds, tokenId, filters });
      const details = { sub, role, expires_at: expiresAt.toISOString(), ...(filters ? { filters } : {}) };
      const event = platformEventRow(
        { action: 'token.issued', actor, resource: 'token', resourceId: tokenId, message: `A ${request.role} token was issued for "${request.sub}".`, metadata: details },
        new Date(),
      );
      await ingest.ingest(tenantId, actor, [event], {
        alsoInTransaction: (tx) => issuedTokensRepository(tx).record(tenantId, { tokenId, sub, role, expiresAt, filters }),
      });
      return { token, expires_at: details.expires_at, token_id: tokenId };
    },
  };
}

export type TenantAdmin = ReturnType<typeof createTenantAdmin>;
