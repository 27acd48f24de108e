import QueryStream from 'pg-query-stream';
import { SELECT_COLUMNS } from '../db/logs-repository';
import { assertTenant, type TenantTx } from '../db/tenant-transaction';
import type { LogFilter } from '../domain/log-filter';
import { tenantFilterSql } from './filter-sql';

/** Rows the server reads ahead per round trip; with the stream's buffer this bounds memory per export. */
const BATCH_ROWS = 500;

/** Reads for export, built from a tenant transaction like every repository; the tenant comes first. */
export function exportRowsRepository(tx: TenantTx) {
  return {
    /**
     * A server-side cursor over the tenant's matching events in (event_timestamp, id) order, the
     * order of the primary key, so PostgreSQL streams from the index without sorting. Reads only as
     * fast as the consumer drains it; destroying the stream closes the cursor.
     */
    stream(tenantId: string, filter: Omit<LogFilter, 'q'>): QueryStream {
      assertTenant(tx, tenantId);
      const condition = tenantFilterSql(tenantId, filter);
      return tx.client.query(
        new QueryStream(`SELECT ${SELECT_COLUMNS} FROM logs WHERE ${condition.where} ORDER BY event_timestamp, id`, condition.values, { batchSize: BATCH_ROWS }),
      );
    },
  };
}
