import type { StartOutcome } from './start-outcome';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { Semaphore, withTimeout } from 'async-mutex';
import { Consumer } from 'sqs-consumer';
import { stopConsumer } from '../../adapters/sqs/stop-consumer';
import { workflowIdFor, type TaskRef } from '../../domain/task';
import { taskTypeRow } from '../../domain/task-types';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { Logger } from '../../platform/observability/logger';
import { createIndexBatchStarter, groupByTenant } from './index-batch-starter';
import { createSealRequester } from './seal-requester';
import { decodeTaskMessage } from '../../adapters/sqs/task-messages';
import { startTaskWorkflow } from '../../adapters/temporal/start-task-workflow';
import { probeTemporal } from '../../adapters/temporal/temporal-probe';
import { createDependencyGate, isGateWaitAborted, type DependencyGate } from './dependency-gate';
import { createReceivePacer } from './receive-pacer';

export interface TaskBridgeDeps {
  sqs: SQSClient;
  queueUrl: string;
  temporal: Client;
  taskQueue: string;
  pool: Pool;
  logger: Logger;
  waitTimeSeconds?: number;
  /** Index runs this bridge keeps open at once (default 4). */
  maxIndexRunsInFlight?: number;
  /** Ask tenants' sealers to seal after ingest (default true; off only to measure ingest without sealing). */
  sealing?: boolean;
  /** How long a tenant's sealer session waits for more ingest before its task row ends (default 120 s). */
  sealIdleSeconds?: number;
  /** Shared by every consumer of the process that needs Temporal; by default the bridge probes on its own. */
  temporalGate?: DependencyGate;
  /** How long a receive waits after one that brought a part batch (receive-pacer; default 250 ms, 0: never). */
  thinQueuePauseMs?: number;
}

/** A gate over Temporal for consumers that start workflows: probes with backoff up to `maxIntervalMs` while it is unreachable. */
export function createTemporalGate(temporal: Client, logger: Logger, maxIntervalMs = 30_000): DependencyGate {
  return createDependencyGate({ name: 'Temporal', probe: () => probeTemporal(temporal), logger, maxIntervalMs });
}

/** Messages one receive takes at most (SQS's limit). */
const RECEIVE_BATCH_SIZE = 10;

/** Below the queue's 30 s visibility timeout, so held messages are not redelivered meanwhile. */
const INDEX_SLOT_WAIT_MS = 20_000;

/** The error and its causes: the SDK's "Failed to start Workflow" alone does not say that Temporal was unreachable. */
function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4; current = current.cause) messages.push(current.message);
  return messages.join(': ') || String(error);
}

interface Routed {
  ref: TaskRef;
  message: Message;
}

/**
 * Turns task messages into workflow runs. A message is deleted only after Temporal has recorded the
 * start (or already had it); anything else leaves it to be redelivered, with the reason written on
 * the task. While Temporal does not answer, the bridge receives nothing (the gate), so an outage
 * does not use up the messages' receive counts; a message that still reaches the queue's
 * maxReceiveCount goes to the dead-letter queue, whose watcher sends it back.
 */
export function createTaskBridge(deps: TaskBridgeDeps) {
  const { temporal, taskQueue, pool, logger } = deps;
  const gate = deps.temporalGate ?? createTemporalGate(temporal, logger);
  let receiving = new AbortController();
  const startIndexBatch = createIndexBatchStarter(deps);
  const requestSeals = createSealRequester(deps);
  const indexRunSlots = withTimeout(new Semaphore(deps.maxIndexRunsInFlight ?? 4), INDEX_SLOT_WAIT_MS);
  const pacer = createReceivePacer({ batchSize: RECEIVE_BATCH_SIZE, thinQueuePauseMs: deps.thinQueuePauseMs ?? 250 });

  /**
   * Index runs open at once are capped: while the worker is busy, task messages wait in SQS rather
   * than as many small runs in Temporal, and the next receive gathers them into fewer, larger runs.
   * A slot not freed in time (a stuck or unreachable worker) does not stop starts altogether.
   */
  async function startIndexBatchInTurn(refs: readonly TaskRef[]): Promise<StartOutcome> {
    const release = await indexRunSlots.acquire().then(
      ([, releaseSlot]) => releaseSlot,
      () => () => undefined,
    );
    try {
      const { outcome, closed } = await startIndexBatch(refs);
      if (closed) void closed.catch(() => undefined).finally(release);
      else release();
      return outcome;
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Reindex tasks are ingest's committed transactions: their index run is started and each tenant's
   * sealer is asked to seal them, side by side: the index start may wait up to INDEX_SLOT_WAIT_MS
   * for a slot under load, and sealing, which reads the committed tasks itself, must not wait with
   * it. Either failing leaves the message for redelivery (what succeeded is then found already
   * done). Both are awaited, so an outage leaves no request retrying in the background.
   */
  async function startIndexingAndSealing(refs: readonly TaskRef[]): Promise<StartOutcome> {
    const [started, sealed] = await Promise.allSettled([
      startIndexBatchInTurn(refs),
      (deps.sealing ?? true) ? requestSeals(refs.map((ref) => ref.tenantId)) : Promise.resolve(),
    ]);
    if (started.status === 'rejected') throw started.reason;
    if (sealed.status === 'rejected') throw sealed.reason;
    return started.value;
  }

  async function startRun(ref: TaskRef): Promise<StartOutcome> {
    // A failed task runs again only through an explicit retry, which bumps the generation: an old
    // generation's message (a relay duplicate still in flight) must not start a run beside the retry.
    const task = await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).findById(ref.tenantId, ref.taskId));
    if (!task || task.status !== 'pending' || task.retry_count !== (ref.retryCount ?? 0)) return 'stale';
    const handle = await startTaskWorkflow(temporal, taskQueue, {
      taskType: ref.taskType,
      workflowId: workflowIdFor(ref),
      input: { tenantId: ref.tenantId, taskId: ref.taskId },
      tenantIds: [ref.tenantId],
      taskIds: [ref.taskId],
    });
    if (!handle) return 'already-started';
    await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).recordWorkflowStart(ref.tenantId, ref.taskId, handle.workflowId, handle.firstExecutionRunId));
    return 'started';
  }

  /** Writes why the start failed on each task of the group, in its tenant's transaction. */
  async function recordFailure(group: readonly Routed[], messages: readonly Message[], error: unknown) {
    const deliveries = messages.map((message) => message.Attributes?.ApproximateReceiveCount ?? '?').join(', ');
    const reason = `could not start the workflow (delivery ${deliveries}): ${describeError(error)}`;
    logger.warn({ err: error, taskIds: group.map((routed) => routed.ref.taskId) }, 'workflow start failed; message left for redelivery');
    for (const [tenantId, routed] of groupByTenant(group, (item) => item.ref)) {
      const taskIds = routed.map((item) => item.ref.taskId);
      await withTenantTx(pool, tenantId, (tx) => tasksRepository(tx).recordStartFailure(tenantId, taskIds, reason)).catch((dbError: unknown) => {
        logger.warn({ err: dbError, taskIds }, 'could not record the start failure on the tasks');
      });
    }
  }

  /** Runs one start attempt; on failure records why on its tasks and returns the messages to leave for redelivery. */
  async function attempt(group: readonly Routed[], start: () => Promise<StartOutcome>): Promise<Message[]> {
    try {
      const outcome = await start();
      logger.debug({ tasks: group.length, outcome }, 'task messages handled');
      return [];
    } catch (error) {
      const messages = [...new Set(group.map((routed) => routed.message))];
      await Promise.all([recordFailure(group, messages, error), gate.check()]);
      return messages;
    }
  }

  /**
   * The reindex tasks of a received batch start as one run, whatever their tenants; other task types
   * one run each. A message is deleted only when every task it carries was started (or found
   * already started or stale).
   */
  async function handleBatch(messages: Message[]): Promise<Message[]> {
    pacer.received(messages.length);
    const undecodable = new Set<Message>();
    const reindex: Routed[] = [];
    const singles: Routed[] = [];
    for (const message of messages) {
      const refs = decodeTaskMessage(message.Body);
      if (!refs) {
        logger.error({ messageId: message.MessageId }, 'not a task message; leaving it for the dead-letter queue');
        undecodable.add(message);
        continue;
      }
      for (const ref of refs) {
        if (!taskTypeRow(ref.taskType).batched) singles.push({ ref, message });
        else reindex.push({ ref, message });
      }
    }
    const unhandled = await Promise.all([
      ...(reindex.length > 0 ? [attempt(reindex, () => startIndexingAndSealing(reindex.map((routed) => routed.ref)))] : []),
      ...singles.map((routed) => attempt([routed], () => startRun(routed.ref))),
    ]);
    const keep = new Set([...undecodable, ...unhandled.flat()]);
    return messages.filter((message) => !keep.has(message));
  }

  const consumer = Consumer.create({
    sqs: deps.sqs,
    queueUrl: deps.queueUrl,
    batchSize: RECEIVE_BATCH_SIZE,
    waitTimeSeconds: deps.waitTimeSeconds ?? 5,
    messageSystemAttributeNames: ['ApproximateReceiveCount'],
    handleMessageBatch: handleBatch,
    preReceiveMessageCallback: async () => {
      await gate.whenOpen(receiving.signal);
      await pacer.beforeReceive(receiving.signal);
    },
    pollingCompleteWaitTimeMs: 10_000,
  });
  consumer.on('error', (error) => {
    if (!isGateWaitAborted(error)) logger.warn({ err: error }, 'SQS receive or delete failed');
  });
  consumer.on('processing_error', (error) => logger.warn({ err: error }, 'task message processing failed'));

  return {
    startRun,
    handleBatch,
    start() {
      receiving = new AbortController();
      consumer.start();
    },
    async stop() {
      receiving.abort();
      await stopConsumer(consumer);
      if (!deps.temporalGate) gate.close();
    },
  };
}

export type TaskBridge = ReturnType<typeof createTaskBridge>;
