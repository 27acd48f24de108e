import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type Koa from 'koa';
import type { Pool } from 'pg';
import { answerClientErrors } from '../../api/client-error';
import { composeApi, type ApiOverrides } from '../../api/compose-api';
import { attachLogStream, type LogStream } from '../../api/stream/attach-log-stream';
import { createOpenSearchClient, type OpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { createSqsClient } from '../../adapters/sqs/sqs-client';
import { loadConfig, type Config } from '../../platform/config/config';
import { createLogger, type Logger } from '../../platform/observability/logger';
import { createDeadLetterWatcher, resolveDeadLetterQueue, type DeadLetterWatcher } from '../../features/delivery/dead-letter-watcher';
import { createOutboxRelay } from '../../features/delivery/outbox-relay';
import { createTaskBridge, createTemporalGate, type TaskBridge } from '../../features/delivery/task-bridge';
import type { DependencyGate } from '../../features/delivery/dependency-gate';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { installTemporalRuntime, temporalLogger } from '../../workers/temporal-runtime';
import { composeTemporalWorker, type ComposedWorker, type WorkerOptions } from '../../workers/compose-temporal-worker';
import { httpClient, type HttpClient } from './http-client';

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundling the workflows costs seconds and memory: once per process, whichever system asks first. */
function workflowBundle(logger: Logger): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: temporalLogger(logger) });
  return bundled;
}

/** A running API over a real socket, as a client sees it. */
export interface RunningApi {
  url: string;
  /** The Koa app behind the socket, e.g. to list the routes it serves. */
  app: Koa;
  http: HttpClient;
  /** The live tail served on the same socket (`ws://…/api/v1/logs/stream`). */
  liveTail: LogStream;
  close(): Promise<void>;
}

export async function startApi(config: Config, logger: Logger, overrides: ApiOverrides = {}): Promise<RunningApi> {
  const composed = await composeApi(config, logger, overrides);
  const server: Server = createServer(composed.app.callback());
  const liveTail = attachLogStream(server, composed.liveStream);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app: composed.app,
    http: httpClient(url),
    liveTail,
    async close() {
      await liveTail.close();
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
 * the API on a socket, the Temporal worker, a bridge and a dead-letter watcher per queue, and the outbox relay.
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
  deadLetterWatchers: DeadLetterWatcher[] = [];
  /** The bridges' and watchers' shared view of whether Temporal answers. */
  temporalGate!: DependencyGate;
  /** Public so a test whose private queue must be the only publisher can stop and restart it. */
  relay!: ReturnType<typeof createOutboxRelay>;
  private workflowBundle!: WorkflowBundleWithSourceMap;

  /** `env` replaces the test run's environment, e.g. to point a second system at servers of a test's own. */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.config = loadConfig(env);
    this.logger = createLogger(this.config.logLevel, 'test-system');
    this.appPool = createPgPool(this.config.postgres.url, 5, 'test-assertions');
    this.ownerPool = createPgPool(env.DATABASE_OWNER_URL as string, 3, 'test-owner');
    this.opensearch = createOpenSearchClient(this.config.opensearch.url);
    this.sqs = createSqsClient(this.config.sqs);
  }

  async start(): Promise<this> {
    installTemporalRuntime(this.logger);
    this.workflowBundle = await workflowBundle(this.logger);
    this.temporal = new TemporalClient({ connection: await Connection.connect({ address: this.config.temporal.address }), namespace: this.config.temporal.namespace });
    this.api = await startApi(this.config, this.logger);
    this.worker = await this.startWorker();
    this.temporalGate = createTemporalGate(this.temporal, this.logger, this.config.temporal.probeMaxIntervalMs);
    const temporalGate = this.temporalGate;
    this.bridges = Object.values(this.config.sqs.queueUrls).map((queueUrl) =>
      createTaskBridge({ sqs: this.sqs, queueUrl, temporal: this.temporal, temporalGate, taskQueue: this.config.temporal.taskQueue, pool: this.appPool, logger: this.logger, waitTimeSeconds: 1, sealIdleSeconds: 2 }),
    );
    this.bridges.forEach((bridge) => bridge.start());
    this.deadLetterWatchers = await Promise.all(
      Object.values(this.config.sqs.queueUrls).map(async (queueUrl) =>
        createDeadLetterWatcher({
          sqs: this.sqs,
          dlq: await resolveDeadLetterQueue(this.sqs, queueUrl),
          pool: this.appPool,
          logger: this.logger,
          temporalGate,
          maxRedrives: this.config.sqs.maxRedrives,
          waitTimeSeconds: 1,
        }),
      ),
    );
    this.deadLetterWatchers.forEach((watcher) => watcher.start());
    this.relay = createOutboxRelay({
      pool: this.appPool,
      publisher: createSqsTaskPublisher(this.sqs, this.config.sqs.queueUrls),
      logger: this.logger,
      minAgeMs: this.config.outbox.minAgeMs,
      maxBackoffMs: this.config.outbox.maxBackoffMs,
      intervalMs: 250,
    });
    this.relay.start();
    return this;
  }

  /** A worker over this system's workflow bundle; `config` points one elsewhere (e.g. a private S3 server). */
  async startWorker(options: WorkerOptions = {}, config: Config = this.config): Promise<RunningWorker> {
    const composed = await composeTemporalWorker(config, this.logger, { workflowBundle: this.workflowBundle, ...options });
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
  async replaceWorker(options: WorkerOptions = {}, config: Config = this.config): Promise<void> {
    await this.worker?.stop();
    this.worker = await this.startWorker(options, config);
  }

  /** Stops this system's relay, bridges and dead-letter watchers, so a test's own process does the delivering. */
  async pauseDelivery(): Promise<void> {
    await this.relay.stop();
    await Promise.all([...this.bridges, ...this.deadLetterWatchers].map((consumer) => consumer.stop()));
  }

  resumeDelivery(): void {
    [...this.bridges, ...this.deadLetterWatchers].forEach((consumer) => consumer.start());
    this.relay.start();
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await Promise.all([...this.bridges, ...this.deadLetterWatchers].map((consumer) => consumer.stop()));
    this.temporalGate?.close();
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
