import type { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Logger } from '../../platform/observability/logger';
import { beginTenantTx } from './tenant-transaction';

export interface TenantCopyOut {
  /** The COPY's bytes, under backpressure: PostgreSQL sends only as fast as this stream is read. */
  stream: Readable;
  /** Settles once the connection is back in the pool (committed) or destroyed (cut short or failed). */
  done: Promise<void>;
}

/** The socket under a pg client: the only way to drop a connection that is mid-COPY at once. */
const socketOf = (client: PoolClient) => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;

/**
 * Runs `statement` (a `COPY (...) TO STDOUT`) in a transaction scoped to `tenantId` on a pooled
 * connection of its own (row-level security applies) and returns its bytes as a stream. The
 * protocol has no way for a client to end a COPY OUT halfway, so a stream that is destroyed before
 * its end (the downloader left) destroys its connection: the socket is dropped, PostgreSQL ends the
 * backend as its next write fails, and the pool opens a fresh connection later. A connection left
 * mid-COPY never goes back to the pool.
 */
export async function openTenantCopyOut(pool: Pool, tenantId: string, statement: string, logger: Logger): Promise<TenantCopyOut> {
  const client = await pool.connect();
  // A checked-out client has no listener for connection errors; dropping the socket raises one.
  const onClientError = (error: Error) => logger.debug({ err: error, tenantId }, 'export connection closed');
  client.on('error', onClientError);
  try {
    await beginTenantTx(client, tenantId);
  } catch (error) {
    client.removeListener('error', onClientError);
    client.release(error as Error);
    throw error;
  }
  const stream = client.query(copyTo(statement));
  const done = new Promise<void>((resolve) => {
    let ended = false;
    stream.once('end', () => {
      ended = true;
      // Queued behind the COPY: runs once PostgreSQL has finished it.
      client.query('COMMIT').then(
        () => {
          client.removeListener('error', onClientError);
          client.release();
          resolve();
        },
        (error: Error) => {
          client.release(error);
          resolve();
        },
      );
    });
    stream.once('close', () => {
      if (ended) return;
      socketOf(client)?.destroy();
      client.release(new Error('COPY OUT stopped before its end; its connection is dropped'));
      resolve();
    });
  });
  return { stream, done };
}
