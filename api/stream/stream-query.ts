import { Type } from '@sinclair/typebox';
import { LogFilterQueryProperties, queryParser, toLogFilter } from '../queries/log-filter-query';
import type { LiveFilter } from '../../features/live-tail/event-filter';

const { start_time: _start, end_time: _end, q: _q, ...filterProperties } = LogFilterQueryProperties;

/** The query of `WS /logs/stream`: the exact filters of search (same names, same rules) plus a browser's token. */
export const StreamQuerySchema = Type.Object(
  {
    ...filterProperties,
    after: Type.Optional(
      Type.String({
        description:
          'The `cursor` of the last `log` message received: the stream first replays, in commit order, every matching event committed after it, then continues live.',
      }),
    ),
    access_token: Type.Optional(
      Type.String({ minLength: 1, maxLength: 8192, description: 'The JWT, for clients that can set neither Authorization nor Sec-WebSocket-Protocol.' }),
    ),
  },
  { additionalProperties: false },
);

const parseQuery = queryParser(StreamQuerySchema);

export interface StreamQuery {
  filter: LiveFilter;
  tenantId: string | undefined;
  accessToken: string | undefined;
  /** A resume cursor, unchecked: a bad one is refused after the upgrade, with a close code. */
  after: string | undefined;
}

/** URLSearchParams as Koa would parse them: a repeated name becomes an array (and then fails validation). */
function queryRecord(search: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const seen = record[name];
    record[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return record;
}

/** 400 for an unknown parameter, 422 naming every invalid value, exactly as `GET /logs` answers them. */
export function parseStreamQuery(search: string): StreamQuery {
  const query = parseQuery(queryRecord(search));
  const { start_time: _s, end_time: _e, q: _t, ...filter } = toLogFilter(query);
  return { filter, tenantId: query.tenant_id, accessToken: query.access_token, after: query.after };
}
