import { Client } from '@opensearch-project/opensearch';
import { OPENSEARCH_REQUEST_OPTIONS } from './lean-opensearch-client';

/** The package's whole client, for tooling (provisioning, tests, the bench); the service's processes use the lean one. */
export type OpenSearchClient = Client;

export function createOpenSearchClient(url: string): OpenSearchClient {
  return new Client({ node: url, ...OPENSEARCH_REQUEST_OPTIONS });
}
