import { Type, type Static } from '@sinclair/typebox';
import { STATS_GROUP_FIELDS, type StatsRequest } from '../../adapters/opensearch/log-stats';
import { bucketCount, MAX_STATS_BUCKETS, STATS_INTERVALS } from '../../adapters/opensearch/stats-buckets';
import { problems } from '../problem';
import { IncludeRestoredProperty, LogFilterQueryProperties, queryParser, stringEnum, toLogFilter } from './log-filter-query';

export const DEFAULT_STATS_RANGE_MS = 24 * 3_600_000;

export const StatsQuerySchema = Type.Object(
  {
    ...LogFilterQueryProperties,
    ...IncludeRestoredProperty,
    interval: Type.Optional(stringEnum(STATS_INTERVALS, 'Bucket size, aligned to UTC: minute, hour (the default) or day.', 'hour')),
    group_by: Type.Optional(stringEnum(STATS_GROUP_FIELDS, 'The field counted per bucket and in top: severity (the default), action, resource or user_id.', 'severity')),
  },
  { additionalProperties: false },
);

export const parseStatsQuery = queryParser(StatsQuerySchema);

/** The range defaults to the 24 hours before end_time, which defaults to now. */
export function resolveStats(query: Static<typeof StatsQuerySchema>, now: Date): StatsRequest {
  const filter = toLogFilter(query);
  const end = filter.end_time ?? now.toISOString();
  const start = filter.start_time ?? new Date(Date.parse(end) - DEFAULT_STATS_RANGE_MS).toISOString();
  const interval = query.interval ?? 'hour';
  if (start > end) {
    throw problems.validationFailed([{ path: filter.start_time ? '/start_time' : '/end_time', message: 'the range must not end before it starts (end_time defaults to now)' }]);
  }
  if (bucketCount(Date.parse(start), Date.parse(end), interval) > MAX_STATS_BUCKETS) {
    const message = `the range holds more than ${MAX_STATS_BUCKETS} ${interval} buckets; shorten it or use a larger interval`;
    throw problems.validationFailed(['/start_time', '/end_time', '/interval'].map((path) => ({ path, message })));
  }
  return { filter: { ...filter, start_time: start, end_time: end }, interval, groupBy: query.group_by ?? 'severity' };
}
