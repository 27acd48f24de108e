import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_COLUMNS } from './rows';

/** Streams COPY text into `table` on this connection (the table must allow COPY FROM for the role). */
export async function copyInto(client: PoolClient, table: string, text: string): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${COPY_COLUMNS}) FROM STDIN`)));
}
