import type { Pool } from 'pg';
import { issuedTokensRepository, type IssuedToken } from '../../adapters/postgres/issued-tokens-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import type { IngestService } from '../ingest/ingest-service';
import type { AccessRevocations } from './access-revocations';
import { platformEventRow } from './tenant-events';

export interface TokenRevocationDeps {
  pool: Pool;
  ingest: IngestService;
  revocations: Pick<AccessRevocations, 'announce'>;
}

/** Another request revoked the token first: its event is the one that counts. */
class AlreadyRevokedError extends Error {
  override readonly name = 'AlreadyRevokedError';
}

/** An admin's view of the tokens minted for a tenant, and the way to stop one. */
export function createTokenRevocation(deps: TokenRevocationDeps) {
  const { pool, ingest, revocations } = deps;

  return {
    /** Newest first; undefined when there is no such tenant. */
    async list(tenantId: string, page: number, pageSize: number) {
      if (!(await tenantsRepository(pool).exists(tenantId))) return undefined;
      const { items, total } = await withTenantTx(pool, tenantId, (tx) => issuedTokensRepository(tx).list(tenantId, { limit: pageSize, offset: (page - 1) * pageSize }));
      return { items, page, page_size: pageSize, total };
    },

    /**
     * Revokes the token, recording `token.revoked` in the same transaction the first time, and tells
     * every API process. Revoking again records nothing but announces it again (harmless, and it
     * repairs a process that missed the first announcement). False when the tenant has no such token.
     */
    async revoke(tenantId: string, tokenId: string, actor: string): Promise<boolean> {
      const token = await withTenantTx(pool, tenantId, (tx) => issuedTokensRepository(tx).find(tenantId, tokenId));
      if (!token) return false;
      if (!token.revoked_at) await revokeRecorded(tenantId, token, actor);
      await revocations.announce({ kind: 'token-revoked', token_id: token.token_id, expires_at: token.expires_at });
      return true;
    },
  };

  async function revokeRecorded(tenantId: string, token: IssuedToken, actor: string): Promise<void> {
    const event = platformEventRow(
      {
        action: 'token.revoked',
        actor,
        resource: 'token',
        resourceId: token.token_id,
        message: `The ${token.role} token of "${token.sub}" was revoked.`,
        metadata: { sub: token.sub, role: token.role, expires_at: token.expires_at },
      },
      new Date(),
    );
    try {
      await ingest.ingest(tenantId, actor, [event], {
        alsoInTransaction: async (tx) => {
          const tokens = issuedTokensRepository(tx);
          if ((await tokens.find(tenantId, token.token_id, { forUpdate: true }))?.revoked_at) throw new AlreadyRevokedError('the token was revoked meanwhile');
          await tokens.revoke(tenantId, token.token_id);
        },
      });
    } catch (error) {
      if (!(error instanceof AlreadyRevokedError)) throw error;
    }
  }
}

export type TokenRevocation = ReturnType<typeof createTokenRevocation>;
