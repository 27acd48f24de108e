import type { Pool } from 'pg';
import type { ViewerFilters } from '../../domain/viewer-filters';
import { assertTenant, type TenantTx } from './tenant-transaction';

/** A minted token as recorded (never the token itself); times as RFC 3339 strings. */
export interface IssuedToken {
  token_id: string;
  sub: string;
  role: string;
  expires_at: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  filters: ViewerFilters | null;
}

export interface NewIssuedToken {
  tokenId: string;
  sub: string;
  role: string;
  expiresAt: Date;
  filters?: ViewerFilters;
}

interface IssuedTokenRow {
  token_id: string;
  sub: string;
  role: string;
  expires_at: Date;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  filters: ViewerFilters | null;
}

const COLUMNS = 'token_id, sub, role, expires_at, created_at, last_used_at, revoked_at, filters';

const toIssuedToken = (row: IssuedTokenRow): IssuedToken => ({
  ...row,
  expires_at: row.expires_at.toISOString(),
  created_at: row.created_at.toISOString(),
  last_used_at: row.last_used_at?.toISOString() ?? null,
  revoked_at: row.revoked_at?.toISOString() ?? null,
});

/** A tenant's issued tokens, inside its row-level-security scope. */
export function issuedTokensRepository(tx: TenantTx) {
  return {
    async record(tenantId: string, token: NewIssuedToken): Promise<void> {
      assertTenant(tx, tenantId);
      await tx.client.query('INSERT INTO issued_tokens (token_id, tenant_id, sub, role, expires_at, filters) VALUES ($1, $2, $3, $4, $5, $6)', [
        token.tokenId,
        tenantId,
        token.sub,
        token.role,
        token.expiresAt,
        token.filters ? JSON.stringify(token.filters) : null,
      ]);
    },

    /** Newest first, and the total. */
    async list(tenantId: string, page: { limit: number; offset: number }): Promise<{ items: IssuedToken[]; total: number }> {
      assertTenant(tx, tenantId);
      const rows = await tx.client.query<IssuedTokenRow>(
        `SELECT ${COLUMNS} FROM issued_tokens WHERE tenant_id = $1 ORDER BY created_at DESC, token_id DESC LIMIT $2 OFFSET $3`,
        [tenantId, page.limit, page.offset],
      );
      const count = await tx.client.query<{ total: number }>('SELECT count(*)::int AS total FROM issued_tokens WHERE tenant_id = $1', [tenantId]);
      return { items: rows.rows.map(toIssuedToken), total: count.rows[0]?.total ?? 0 };
    },

    async find(tenantId: string, tokenId: string, options: { forUpdate?: boolean } = {}): Promise<IssuedToken | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<IssuedTokenRow>(
        `SELECT ${COLUMNS} FROM issued_tokens WHERE tenant_id = $1 AND token_id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
        [tenantId, tokenId],
      );
      return result.rows[0] && toIssuedToken(result.rows[0]);
    },

    /** Marks the token revoked unless it already is; returns it as it is now. */
    async revoke(tenantId: string, tokenId: string): Promise<IssuedToken | undefined> {
      assertTenant(tx, tenantId);
      const result = await tx.client.query<IssuedTokenRow>(
        `UPDATE issued_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE tenant_id = $1 AND token_id = $2 RETURNING ${COLUMNS}`,
        [tenantId, tokenId],
      );
      return result.rows[0] && toIssuedToken(result.rows[0]);
    },
  };
}

/** What every API process needs to refuse revoked tokens and suspended tenants without a query per request. */
export interface RevocationSnapshot {
  /** Revoked tokens that have not expired yet, with their expiry (after which the entry can go). */
  revokedTokens: Map<string, number>;
  suspendedTenants: Set<string>;
}

/**
 * Reads across tenants: revoked tokens through an owner-defined function (migration 070) that
 * returns only ids and expiries; suspended tenants from the tenants table, which has no tenant scope.
 */
export function revocationReads(pool: Pool) {
  return {
    async snapshot(): Promise<RevocationSnapshot> {
      const [tokens, tenants] = await Promise.all([
        pool.query<{ token_id: string; expires_at: Date }>('SELECT token_id, expires_at FROM revoked_unexpired_tokens()'),
        pool.query<{ id: string }>('SELECT id FROM tenants WHERE suspended_at IS NOT NULL'),
      ]);
      return {
        revokedTokens: new Map(tokens.rows.map((row) => [row.token_id, row.expires_at.getTime()])),
        suspendedTenants: new Set(tenants.rows.map((row) => row.id)),
      };
    },

    /** Moves each token's last use forward to the time given; tokens of any tenant in one statement. */
    async recordUse(uses: ReadonlyMap<string, Date>): Promise<void> {
      if (uses.size === 0) return;
      await pool.query('SELECT record_token_use($1::uuid[], $2::timestamptz[])', [[...uses.keys()], [...uses.values()]]);
    },
  };
}
