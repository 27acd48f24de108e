import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import type { Session } from '../session';

interface Tenant {
  id: string;
  name: string;
}

/** A platform admin's token names no tenant: the admin picks the one every page acts on. */
export function TenantPicker({ session, onChange }: { session: Session; onChange(tenantId: string | undefined): void }) {
  const [tenants, setTenants] = useState<Tenant[]>([]);
  useEffect(() => {
    getJson<{ items: Tenant[] }>(session, '/api/v1/tenants').then(
      (result) => setTenants(result.items),
      () => setTenants([]),
    );
  }, []);
  return (
    <span class="tenant-picker">
      <label for="tenant-picker">Tenant</label>
      <select id="tenant-picker" value={session.tenantId ?? ''} onChange={(event) => onChange(event.currentTarget.value || undefined)}>
        <option value="">Choose a tenant…</option>
        {session.tenantId && !tenants.some((tenant) => tenant.id === session.tenantId) && <option value={session.tenantId}>{session.tenantId}</option>}
        {tenants.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.name}
          </option>
        ))}
      </select>
    </span>
  );
}
