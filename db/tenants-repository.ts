import type { Pool } from 'pg';

export interface Tenant {
  id: string;
  name: string;
  retention_days: number;
  created_at: string;
}

/** Tenants are the one table without a tenant column: it is read to verify tokens, before any tenant scope exists. */
export function tenantsRepository(pool: Pool) {
  return {
    async exists(tenantId: string): Promise<boolean> {
      const result = await pool.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      return result.rowCount === 1;
    },

    async create(tenant: { id: string; name: string; retentionDays?: number }): Promise<Tenant> {
      const result = await pool.query<Omit<Tenant, 'created_at'> & { created_at: Date }>(
        `INSERT INTO tenants (id, name, retention_days) VALUES ($1, $2, COALESCE($3, 365))
         RETURNING id, name, retention_days, created_at`,
        [tenant.id, tenant.name, tenant.retentionDays ?? null],
      );
      const row = result.rows[0] as Omit<Tenant, 'created_at'> & { created_at: Date };
      return { ...row, created_at: row.created_at.toISOString() };
    },
  };
}
