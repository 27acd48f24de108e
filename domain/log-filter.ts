import type { Severity } from './log-event';

/**
 * The filters shared by search, stats and export, after validation and normalisation: severities
 * upper-case, sorted and distinct; times as UTC ISO strings. Normalised so that two requests for
 * the same events produce equal filters (a search cursor compares them).
 */
export interface LogFilter {
  user_id?: string;
  action?: string;
  resource?: string;
  resource_id?: string;
  session_id?: string;
  severity?: Severity[];
  /** Inclusive. */
  start_time?: string;
  /** Exclusive. */
  end_time?: string;
  ip_address?: string;
  /** Full text in the simple query syntax; matched by the search engine only. */
  q?: string;
  /** Also the restored copies of archived events (api.md, "Restores"); absent means never. */
  include_restored?: true;
  /**
   * Set when two filters of one field disagree (a viewer token's fixed filter and the request's):
   * both must hold, so no event matches. Never parsed from a query.
   */
  matches_nothing?: true;
}

/** The filters that are exact matches on one stored field. */
export const EXACT_FILTER_FIELDS = ['user_id', 'action', 'resource', 'resource_id', 'session_id', 'ip_address'] as const;

export type SortOrder = 'asc' | 'desc';
