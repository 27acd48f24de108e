import type { Context } from 'koa';
import { AUDITED_READER_ROLES, type Principal } from '../domain/auth';
import type { LogFilter } from '../domain/log-filter';
import { readsOnlyViews } from '../domain/read-audit';
import { narrowToFixed, withinFixed, type VIEWER_FILTER_FIELDS } from '../domain/viewer-filters';
import type { LogRead, ReadAudit } from '../features/read-audit/read-audit';
import { resolveTenant, type TenantLookup } from './tenant-scope';

type Narrowable = Pick<LogFilter, (typeof VIEWER_FILTER_FIELDS)[number] | 'action' | 'matches_nothing'>;

/**
 * What one read of a tenant's log may see and what it must leave behind: the single place that
 * applies a viewer token's fixed filters and decides whether a read is recorded. Search, get,
 * stats, export, an export job's download and the live-tail subscription all go through it.
 */
export interface ReadScope {
  tenantId: string;
  /** The filter the read runs with: the request's own, narrowed to the token's fixed filters (never widened). */
  narrow<F extends Narrowable>(filter: F): F;
  /** Whether one event (read by id) lies inside the token's fixed filters; outside is a 404. */
  shows(event: { [field in (typeof VIEWER_FILTER_FIELDS)[number]]: string | null }): boolean;
  /**
   * Records the read as an `audit_log.viewed` event, and resolves once it is committed, when the
   * caller's role is audited and the read does not ask only for records of reads (`effective`:
   * the narrowed filter, or the event read by id). Rejects (ReadNotRecordedError) if it cannot be.
   */
  record(read: LogRead & { effective: { action?: string | null } }): Promise<void>;
}

export function readScope(principal: Principal, tenantId: string, audit: ReadAudit): ReadScope {
  const fixed = principal.filters;
  const auditedRole = AUDITED_READER_ROLES.includes(principal.role);
  return {
    tenantId,
    narrow: (filter) => narrowToFixed(filter, fixed),
    shows: (event) => withinFixed(event, fixed),
    async record({ effective, ...read }) {
      if (auditedRole && !readsOnlyViews({ action: effective.action ?? undefined })) await audit.record(tenantId, principal.sub, read);
    },
  };
}

/** The read scope of an HTTP request: its tenant (tenant-scope) and its verified principal. */
export async function resolveReadScope(ctx: Context, deps: { tenants: TenantLookup; audit: ReadAudit }): Promise<ReadScope> {
  const tenantId = await resolveTenant(ctx, deps.tenants);
  return readScope(ctx.state.principal as Principal, tenantId, deps.audit);
}

/** For the OpenAPI document of every route that reads through a ReadScope. */
export const READ_SCOPE_NOTE =
  "A viewer token reads only events inside its fixed filters: the request's filters narrow them, never widen them (a conflicting filter matches nothing). " +
  'Every read by an auditor or viewer token is recorded in the tenant\'s log as an audit_log.viewed event {endpoint, filters, result_count} before the answer is sent ' +
  '(not for a read of action=audit_log.viewed itself); a read that cannot be recorded is answered 503.';
export const UNRECORDED_READ = { description: 'The read could not be recorded in the audit log (auditor and viewer tokens), or a dependency is down.' };
