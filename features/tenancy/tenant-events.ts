import type { NewLogRow } from '../../domain/log-event';
import { toNewLogRow } from '../ingest/normalize-event';

export interface PlatformEvent {
  action: 'tenant.created' | 'tenant.updated' | 'tenant.suspended' | 'tenant.resumed' | 'token.issued' | 'token.revoked';
  /** The platform admin's `sub`. */
  actor: string;
  resource: 'tenant' | 'token';
  resourceId: string;
  message: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/**
 * What the platform does to a tenant is recorded in that tenant's own audit log, through the same
 * ingest path as any client event, so the tenant's auditors see who changed its settings and who
 * was given a token.
 */
export function platformEventRow(event: PlatformEvent, at: Date): NewLogRow {
  return toNewLogRow(
    {
      action: event.action,
      severity: 'INFO',
      user_id: event.actor,
      resource: event.resource,
      resource_id: event.resourceId,
      message: event.message,
      ...(event.before ? { before_state: event.before } : {}),
      ...(event.after ? { after_state: event.after } : {}),
      metadata: { origin: 'audit-log-platform', ...event.metadata },
    },
    event.actor,
    at,
  );
}
