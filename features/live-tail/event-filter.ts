import { BlockList, isIP } from 'node:net';
import type { LogEvent } from '../../domain/log-event';
import { EXACT_FILTER_FIELDS, type LogFilter } from '../../domain/log-filter';

/** The part of a LogFilter a live event can be matched against (no time range, no full text). */
export type LiveFilter = Pick<LogFilter, (typeof EXACT_FILTER_FIELDS)[number] | 'severity' | 'matches_nothing'>;

export type EventPredicate = (event: LogEvent) => boolean;

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** An address equal to `address` however it is written (`2001:DB8::1` is `2001:db8:0::1`), as search compares them. */
function sameAddress(address: string): (candidate: string | null) => boolean {
  const list = new BlockList();
  list.addAddress(address, family(address));
  return (candidate) => candidate !== null && isIP(candidate) !== 0 && list.check(candidate, family(candidate));
}

/** Compiles a validated filter into a predicate: every given field must match, exactly as search matches it. */
export function compileLiveFilter(filter: LiveFilter): EventPredicate {
  if (filter.matches_nothing) return () => false;
  const checks: EventPredicate[] = [];
  for (const field of EXACT_FILTER_FIELDS) {
    const wanted = filter[field];
    if (wanted === undefined || field === 'ip_address') continue;
    checks.push((event) => event[field] === wanted);
  }
  if (filter.ip_address !== undefined) {
    const matches = sameAddress(filter.ip_address);
    checks.push((event) => matches(event.ip_address));
  }
  if (filter.severity !== undefined) {
    const severities = new Set<string>(filter.severity);
    checks.push((event) => severities.has(event.severity));
  }
  return (event) => checks.every((check) => check(event));
}
