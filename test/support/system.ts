import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Pool } from 'pg';
import { composeApi, type ApiOverrides } from '../../api/compose-api';
import { createOpenSearchClient, type OpenSearchClient } from '../../clients/opensearch';
import { createPgPool } from '../../clients/postgres';
import { createSqsClient } from '../../clients/sqs';
import { loadConfig, type Config } from '../../config/config';
import { createLogger, type Logger } from '../../observability/logger';
import { createOutboxRelay } from '../../queue/outbox-relay';
import { createTaskBridge, type TaskBridge } from '../../queue/task-bridge';
import { createSqsTaskPublisher } from '../../queue/task-publisher';
import { installTemporalRuntime, temporalLogger } from '../../workers/temporal-runtime';
import { composeTemporalWorker, type ComposedWorker, type WorkerOptions } from '../../workers/compose-temporal-worker';
import { httpClient, type HttpClient } from './http-client';

/** A running API over a real socket, as a client sees it. */
export interface RunningApi {
  url: string;
  http: HttpClient;
  close(): Promise<void>;
}

export async function startApi(config: Config, logger: Logger, overrides: ApiOverrides = {}): Promise<RunningApi> {
  const composed = await composeApi(config, logger, overrides);
  const server: Server = createServer(composed.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    http: httpClient(url),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await composed.close();
    },
  };
}

export interface RunningWorker {
  composed: ComposedWorker;
  running: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole service in this process, against the real servers of the test profile:
 * the API on a socket, the Temporal worker, a bridge per queue and the outbox relay.
 */
export class TestSystem {
  readonly config: Config;
  readonly logger: Logger;
  /** The application role, subject to row-level security like the service. */
  readonly appPool: Pool;
  /** The owner role, for assertions that must see every tenant. */
  readonly ownerPool: Pool;
  readonly opensearch: OpenSearchClient;
  readonly sqs;
  api!: RunningApi;
  temporal!: TemporalClient;
  worker: RunningWorker | undefined;
  bridges: TaskBridge[] = [];
  private workflowBundle!: WorkflowBundleWithSourceMap;
  private relay!: ReturnType<typeof createOutboxRelay>;

  constructor() {
    this.config = loadConfig(process.env);
    this.logger = createLogger(this.config.logLevel, 'test-system');
    this.appPool = createPgPool(this.config.postgres.url, 5, 'test-assertions');
    this.ownerPool = createPgPool(process.env.DATABASE_OWNER_URL as string, 3, 'test-owner');
    this.opensearch = createOpenSearchClient(this.config.opensearch.url);
    this.sqs = createSqsClient(this.config.sqs);
  }

  async start(): Promise<this> {
    installTemporalRuntime(this.logger);
    this.workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: temporalLogger(this.logger) });
    this.temporal = new TemporalClient({ connection: await Connection.connect({ address: this.config.temporal.address }), namespace: this.config.temporal.namespace });
    this.api = await startApi(this.config, this.logger);
    this.worker = await this.startWorker();
    this.bridges = Object.values(this.config.sqs.queueUrls).map((queueUrl) =>
      createTaskBridge({ sqs: this.sqs, queueUrl, temporal: this.temporal, taskQueue: this.config.temporal.taskQueue, pool: this.appPool, logger: this.logger, waitTimeSeconds: 1 }),
    );
    this.bridges.forEach((bridge) => bridge.start());
    this.relay = createOutboxRelay({
      pool: this.appPool,
      publisher: createSqsTaskPublisher(this.sqs, this.config.sqs.queueUrls),
      logger: this.logger,
      minAgeMs: this.config.outbox.minAgeMs,
      intervalMs: 250,
    });
    this.relay.start();
    return this;
  }

  async startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
    const composed = await composeTemporalWorker(this.config, this.logger, { workflowBundle: this.workflowBundle, ...options });
    const running = composed.run();
    return {
      composed,
      running,
      async stop() {
        composed.worker.shutdown();
        await running;
      },
    };
  }

  /** Replaces the running worker, e.g. with one whose activities are gated. */
  async replaceWorker(options: WorkerOptions = {}): Promise<void> {
    await this.worker?.stop();
    this.worker = await this.startWorker(options);
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await Promise.all(this.bridges.map((bridge) => bridge.stop()));
    await this.worker?.stop();
    await this.api?.close();
    await this.temporal?.connection.close();
    await Promise.allSettled([this.appPool.end(), this.ownerPool.end(), this.opensearch.close()]);
    this.sqs.destroy();
  }
}

let shared: Promise<TestSystem> | undefined;

/** The one system every integration test file shares; stopped by the root hook. */
export function testSystem(): Promise<TestSystem> {
  shared ??= new TestSystem().start();
  return shared;
}

export async function stopTestSystem(): Promise<void> {
  if (shared) await (await shared).stop();
}
