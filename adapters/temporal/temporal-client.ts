import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../platform/config/config';

/** One connection per process, shared by every request. */
export async function createTemporalClient(config: Config['temporal']): Promise<Client> {
  const connection = await Connection.connect({ address: config.address });
  return new Client({ connection, namespace: config.namespace });
}
