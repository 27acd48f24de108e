import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Pool } from 'pg';
import { Consumer } from 'sqs-consumer';
import { stopConsumer } from './stop-consumer';
import { workflowIdFor, type TaskRef } from '../domain/task';
import { tasksRepository } from '../db/tasks-repository';
import { withTenantTx } from '../db/tenant-transaction';
import type { Logger } from '../observability/logger';
import { decodeTaskMessage } from './task-messages';
import { TASK_TYPE_ATTRIBUTE, TENANT_ID_ATTRIBUTE, workflowTypeFor } from './workflow-routing';

export interface TaskBridgeDeps {
  sqs: SQSClient;
  queueUrl: string;
  temporal: Client;
  taskQueue: string;
  pool: Pool;
  logger: Logger;
  waitTimeSeconds?: number;
}

/** The error and its causes: the SDK's "Failed to start Workflow" alone does not say that Temporal was unreachable. */
function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4; current = current.cause) messages.push(current.message);
  return messages.join(': ') || String(error);
}

/** `stale`: the message names a generation that is not the task's current one, or a task no longer waiting to start. */
export type StartOutcome = 'started' | 'already-started' | 'stale';

/**
 * Turns task messages into workflow runs. A message is deleted only after Temporal has recorded the
 * start (or already had it); anything else leaves it to be redelivered and, past the queue's
 * maxReceiveCount, moved to the dead-letter queue, with the reason written on the task.
 */
export function createTaskBridge(deps: TaskBridgeDeps) {
  const { temporal, taskQueue, pool, logger } = deps;

  async function startRun(ref: TaskRef): Promise<StartOutcome> {
    const workflowType = workflowTypeFor(ref.taskType);
    if (!workflowType) throw new Error(`no workflow handles ${ref.taskType} tasks in this build`);
    // A failed task runs again only through an explicit retry, which bumps the generation: an old
    // generation's message (a relay duplicate still in flight) must not start a run beside the retry.
    const task = await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).findById(ref.tenantId, ref.taskId));
    if (!task || task.status !== 'pending' || task.retry_count !== (ref.retryCount ?? 0)) return 'stale';
    try {
      const handle = await temporal.workflow.start(workflowType, {
        taskQueue,
        workflowId: workflowIdFor(ref),
        args: [{ tenantId: ref.tenantId, taskId: ref.taskId }],
        // A redelivered message must never start a second run, even after the first one finished.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: TENANT_ID_ATTRIBUTE, value: ref.tenantId },
          { key: TASK_TYPE_ATTRIBUTE, value: ref.taskType },
        ]),
      });
      await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).recordWorkflowStart(ref.tenantId, ref.taskId, handle.workflowId, handle.firstExecutionRunId));
      return 'started';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
      throw error;
    }
  }

  async function recordFailure(ref: TaskRef, message: Message, error: unknown) {
    const delivery = message.Attributes?.ApproximateReceiveCount ?? '?';
    const reason = `could not start the workflow (delivery ${delivery}): ${describeError(error)}`;
    logger.warn({ err: error, taskId: ref.taskId, tenantId: ref.tenantId }, 'workflow start failed; message left for redelivery');
    await withTenantTx(pool, ref.tenantId, (tx) => tasksRepository(tx).recordStartFailure(ref.tenantId, ref.taskId, reason)).catch((dbError: unknown) => {
      logger.warn({ err: dbError, taskId: ref.taskId }, 'could not record the start failure on the task');
    });
  }

  async function handleBatch(messages: Message[]): Promise<Message[]> {
    const handled = await Promise.all(
      messages.map(async (message) => {
        const ref = decodeTaskMessage(message.Body);
        if (!ref) {
          logger.error({ messageId: message.MessageId }, 'not a task message; leaving it for the dead-letter queue');
          return undefined;
        }
        try {
          const outcome = await startRun(ref);
          if (outcome === 'stale') logger.info({ taskId: ref.taskId, retryCount: ref.retryCount ?? 0 }, 'stale task message dropped');
          else logger.debug({ taskId: ref.taskId, outcome }, 'task message handled');
          return message;
        } catch (error) {
          await recordFailure(ref, message, error);
          return undefined;
        }
      }),
    );
    return handled.filter((message): message is Message => message !== undefined);
  }

  const consumer = Consumer.create({
    sqs: deps.sqs,
    queueUrl: deps.queueUrl,
    batchSize: 10,
    waitTimeSeconds: deps.waitTimeSeconds ?? 5,
    messageSystemAttributeNames: ['ApproximateReceiveCount'],
    handleMessageBatch: handleBatch,
    pollingCompleteWaitTimeMs: 10_000,
  });
  consumer.on('error', (error) => logger.warn({ err: error }, 'SQS receive or delete failed'));
  consumer.on('processing_error', (error) => logger.warn({ err: error }, 'task message processing failed'));

  return {
    startRun,
    handleBatch,
    start: () => consumer.start(),
    stop: () => stopConsumer(consumer),
  };
}

export type TaskBridge = ReturnType<typeof createTaskBridge>;
