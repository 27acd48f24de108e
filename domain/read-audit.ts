/** The action and resource of the event that records a read of a tenant's log (api.md, "Viewer tokens"). */
export const VIEWED_ACTION = 'audit_log.viewed';
export const VIEWED_RESOURCE = 'audit_log';
/**
 * Actions under this prefix are written by the service alone: a client that could send
 * `audit_log.viewed` could forge the record of a read that never happened, and its event would be
 * read unrecorded by anyone filtering on the records of reads (readsOnlyViews).
 */
export const RESERVED_ACTION_PREFIX = 'audit_log.';

export function isReservedAction(action: string): boolean {
  return action.startsWith(RESERVED_ACTION_PREFIX);
}

/**
 * A read of the records of reads is not recorded again, or every look at them would add one more
 * and they could never be read to the end. The rule is the request's effective filter, decided
 * before anything is read: a read asking only for `action = audit_log.viewed` (or, by id, an event
 * whose action it is). Filtering on `resource = audit_log` alone does not exempt a read: resource
 * is an ordinary client field, and a read must not escape its record by naming it.
 */
export function readsOnlyViews(filter: { action?: string }): boolean {
  return filter.action === VIEWED_ACTION;
}
