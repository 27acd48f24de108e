import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './log-event';
import type { LogFilter } from './log-filter';

/** The fields a viewer token may be bound to (api.md, "Viewer tokens"). */
export const VIEWER_FILTER_FIELDS = ['user_id', 'resource', 'resource_id'] as const;

const exact = (maxLength: number, description: string) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));

/** The `filters` of a viewer token, as minted and as carried in its claims. */
export const ViewerFiltersSchema = Type.Object(
  {
    user_id: exact(LIMITS.idLength, 'Only events of this actor.'),
    resource: exact(LIMITS.resourceLength, 'Only events on this resource type.'),
    resource_id: exact(LIMITS.idLength, 'Only events on this resource id.'),
  },
  { additionalProperties: false, description: "Fixed filters: every read through the token is narrowed to them, whatever the request's own filters say." },
);
export type ViewerFilters = Static<typeof ViewerFiltersSchema>;

/**
 * A request's filter narrowed to a token's fixed filters: a fixed field the request leaves open is
 * set, one the request asks with the same value stays, and one the request asks with another value
 * cannot match any event (both must hold), so the result matches nothing rather than either value.
 */
export function narrowToFixed<F extends Pick<LogFilter, (typeof VIEWER_FILTER_FIELDS)[number] | 'matches_nothing'>>(filter: F, fixed: ViewerFilters | undefined): F {
  if (!fixed) return filter;
  const narrowed: F = { ...filter };
  for (const field of VIEWER_FILTER_FIELDS) {
    const wanted = fixed[field];
    if (wanted === undefined) continue;
    if (narrowed[field] !== undefined && narrowed[field] !== wanted) narrowed.matches_nothing = true;
    narrowed[field] = wanted;
  }
  return narrowed;
}

/** Whether an event lies inside a token's fixed filters (for reads of one event by id). */
export function withinFixed(event: { [field in (typeof VIEWER_FILTER_FIELDS)[number]]: string | null }, fixed: ViewerFilters | undefined): boolean {
  return !fixed || VIEWER_FILTER_FIELDS.every((field) => fixed[field] === undefined || event[field] === fixed[field]);
}
