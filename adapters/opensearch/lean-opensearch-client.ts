import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Client } from '@opensearch-project/opensearch';
import Connection from '@opensearch-project/opensearch/lib/Connection.js';
import { ConfigurationError } from '@opensearch-project/opensearch/lib/errors.js';
import { ConnectionPool } from '@opensearch-project/opensearch/lib/pool/index.js';
import Serializer from '@opensearch-project/opensearch/lib/Serializer.js';
import Transport from '@opensearch-project/opensearch/lib/Transport.js';

/** The calls the service's processes make, typed as the package's Client types them. */
export interface LeanOpenSearchClient {
  readonly transport: Client['transport'];
  readonly search: Client['search'];
  readonly count: Client['count'];
  readonly bulk: Client['bulk'];
  readonly deleteByQuery: Client['deleteByQuery'];
  readonly scroll: Client['scroll'];
  readonly clearScroll: Client['clearScroll'];
  readonly indices: Pick<Client['indices'], 'exists' | 'create' | 'putIndexTemplate' | 'refresh'>;
  readonly cluster: Pick<Client['cluster'], 'health'>;
  close(): Promise<void>;
}

// The package's Client requires all of its ~550 API modules when it is loaded (~13 MiB of resident
// memory per process, issue 13); its request builders each read only `this.transport`, so the few
// the service calls are loaded one by one. Their typings declare request types but not the function.
const requirePackageFile = createRequire(__filename);
const { kConfigErr } = requirePackageFile('@opensearch-project/opensearch/api/utils.js') as { kConfigErr: symbol };
/** Every OpenSearch client of the project, lean or full, times out and retries alike. */
export const OPENSEARCH_REQUEST_OPTIONS = { requestTimeout: 30_000, maxRetries: 2 } as const;

type RequestBuilder = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The package's Connection, without the request body in the options it gives http.request. It
 * copies every request parameter into those options, `body` (a `_bulk` request's whole NDJSON text)
 * and `bulkBody` (its documents) included, and Node's http Agent keeps the options of the request
 * that opened a keep-alive socket for as long as the socket lives (its 'free' listener): each pooled
 * socket held the documents and text of its first `_bulk`, 5-10 MB apiece for large events (heap
 * snapshot of a worker killed at its 128 MB limit). The body is written from the parameters, not
 * from those options, so nothing else changes.
 */
export class BodylessOptionsConnection extends Connection {
  override buildRequestObject(params: Record<string, unknown>): Record<string, unknown> {
    const { body: _body, bulkBody: _bulkBody, ...options } = super.buildRequestObject(params) as Record<string, unknown>;
    return options;
  }
}

/** The URL's user and password, as the Client takes them (both or neither). */
function credentialsIn(url: string): { username: string; password: string } | null {
  const { username, password } = new URL(url);
  return username !== '' && password !== '' ? { username: decodeURIComponent(username), password: decodeURIComponent(password) } : null;
}

/**
 * The package's own Transport, ConnectionPool, Connection and Serializer, built with the options its
 * Client builds them with for one node, and the package's request builders for the calls in
 * LeanOpenSearchClient: the same requests, retries and errors without the rest of the API surface.
 */
export function createLeanOpenSearchClient(url: string): LeanOpenSearchClient {
  const events = new EventEmitter();
  const emit = events.emit.bind(events);
  const auth = credentialsIn(url);
  const serializer = new Serializer({ disablePrototypePoisoningProtection: false, enableLongNumeralSupport: false });
  const connectionPool = new ConnectionPool({ pingTimeout: 3000, resurrectStrategy: 'ping', ssl: null, agent: null, proxy: null, Connection: BodylessOptionsConnection, auth, emit, sniffEnabled: false } as never);
  connectionPool.addConnection(url);
  const transport = new Transport({
    emit,
    connectionPool,
    serializer,
    ...OPENSEARCH_REQUEST_OPTIONS,
    sniffInterval: false,
    sniffOnStart: false,
    sniffOnConnectionFault: false,
    sniffEndpoint: '_nodes/_all/http',
    suggestCompression: false,
    compression: false,
    headers: {},
    nodeFilter: null,
    nodeSelector: 'round-robin',
    generateRequestId: null,
    name: 'opensearch-js',
    opaqueIdPrefix: null,
    context: null,
    memoryCircuitBreaker: undefined,
    auth,
  } as never);
  const host = { transport, [kConfigErr]: ConfigurationError };
  const api = <T>(file: string) => (requirePackageFile(`@opensearch-project/opensearch/api/${file}.js`) as RequestBuilder).bind(host) as T;
  return {
    transport,
    search: api('_core/search'),
    count: api('_core/count'),
    bulk: api('_core/bulk'),
    deleteByQuery: api('_core/deleteByQuery'),
    scroll: api('_core/scroll'),
    clearScroll: api('_core/clearScroll'),
    indices: { exists: api('indices/exists'), create: api('indices/create'), putIndexTemplate: api('indices/putIndexTemplate'), refresh: api('indices/refresh') },
    cluster: { health: api('cluster/health') },
    close: () => new Promise<void>((resolve) => connectionPool.empty(() => resolve())),
  };
}
