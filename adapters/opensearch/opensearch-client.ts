import { Client } from '@opensearch-project/opensearch';

export type OpenSearchClient = Client;

export function createOpenSearchClient(url: string): OpenSearchClient {
  return new Client({ node: url, requestTimeout: 30_000, maxRetries: 2 });
}
