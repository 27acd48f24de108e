import type { ClientBase, Pool } from 'pg';

export interface Tenant {
  id: string;
  name: string;
  retention_days: number;
  /** Both null, or both set: null means the service's default limits apply. */
  rate_limit_per_second: number | null;
  rate_limit_burst: number | null;
  /** Set while the tenant is suspended: none of its tokens is accepted. */
  suspended_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewTenant {
  id: string;
  name: string;
  retentionDays?: number;
  rateLimit?: { perSecond: number; burst: number } | null;
}

/** The settings PATCH may change; an absent key is left as it is. */
export interface TenantChanges {
  name?: string;
  retention_days?: number;
  rate_limit_per_second?: number | null;
  rate_limit_burst?: number | null;
}

type TenantRow = Omit<Tenant, 'created_at' | 'updated_at' | 'suspended_at'> & { created_at: Date; updated_at: Date; suspended_at: Date | null };

const COLUMNS = 'id, name, retention_days, rate_limit_per_second, rate_limit_burst, suspended_at, created_at, updated_at';
const CHANGEABLE = ['name', 'retention_days', 'rate_limit_per_second', 'rate_limit_burst'] as const;

const toTenant = (row: TenantRow): Tenant => ({
  ...row,
  suspended_at: row.suspended_at?.toISOString() ?? null,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

/** Postgres rejected a second tenant whose name differs from an existing one only by case. */
export class DuplicateTenantNameError extends Error {
  override readonly name = 'DuplicateTenantNameError';
}

function rethrowDuplicateName(error: unknown): never {
  const pg = error as { code?: string; constraint?: string };
  if (pg.code === '23505' && pg.constraint === 'tenants_name_key') throw new DuplicateTenantNameError('a tenant with this name already exists');
  throw error;
}

/**
 * Tenants are the one table without a tenant column: it is read to verify tokens, before any tenant
 * scope exists. Takes a pool, or a transaction's client when a change must commit with other writes.
 */
export function tenantsRepository(db: Pool | ClientBase) {
  return {
    async exists(tenantId: string): Promise<boolean> {
      const result = await db.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      return result.rowCount === 1;
    },

    async create(tenant: NewTenant): Promise<Tenant> {
      const result = await db
        .query<TenantRow>(
          `INSERT INTO tenants (id, name, retention_days, rate_limit_per_second, rate_limit_burst)
           VALUES ($1, $2, COALESCE($3, 365), $4, $5)
           RETURNING ${COLUMNS}`,
          [tenant.id, tenant.name, tenant.retentionDays ?? null, tenant.rateLimit?.perSecond ?? null, tenant.rateLimit?.burst ?? null],
        )
        .catch(rethrowDuplicateName);
      return toTenant(result.rows[0] as TenantRow);
    },

    async findById(tenantId: string, options: { forUpdate?: boolean } = {}): Promise<Tenant | undefined> {
      const result = await db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [tenantId]);
      return result.rows[0] && toTenant(result.rows[0]);
    },

    /** One page in creation order, and the total. */
    async list(page: { limit: number; offset: number }): Promise<{ items: Tenant[]; total: number }> {
      const [rows, count] = await Promise.all([
        db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants ORDER BY created_at, id LIMIT $1 OFFSET $2`, [page.limit, page.offset]),
        db.query<{ total: number }>('SELECT count(*)::int AS total FROM tenants'),
      ]);
      return { items: rows.rows.map(toTenant), total: count.rows[0]?.total ?? 0 };
    },

    async update(tenantId: string, changes: TenantChanges): Promise<Tenant | undefined> {
      const keys = CHANGEABLE.filter((key) => changes[key] !== undefined);
      if (keys.length === 0) return this.findById(tenantId);
      const assignments = keys.map((key, index) => `${key} = $${index + 2}`).join(', ');
      const result = await db
        .query<TenantRow>(`UPDATE tenants SET ${assignments}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [
          tenantId,
          ...keys.map((key) => changes[key]),
        ])
        .catch(rethrowDuplicateName);
      return result.rows[0] && toTenant(result.rows[0]);
    },

    /** Suspends or resumes; a tenant already in that state keeps its suspension time. */
    async setSuspended(tenantId: string, suspended: boolean): Promise<Tenant | undefined> {
      const result = await db.query<TenantRow>(
        `UPDATE tenants SET suspended_at = ${suspended ? 'COALESCE(suspended_at, now())' : 'NULL'}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [tenantId],
      );
      return result.rows[0] && toTenant(result.rows[0]);
    },
  };
}

export type TenantsRepository = ReturnType<typeof tenantsRepository>;
