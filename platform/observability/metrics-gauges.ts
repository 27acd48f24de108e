import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';
import { TASK_TYPES } from '../../domain/task';

export interface GaugeSources {
  sqs: SQSClient;
  /** Task queues by name; each has a `<url>-dlq` dead-letter queue (see ops/provisioning/ensure-queues.ts). */
  queueUrls: Readonly<Record<string, string>>;
  pool: Pool;
  /** Each source must answer within this, so a scrape stays fast while a dependency is down. */
  timeoutMs?: number;
}

const UNFINISHED = ['pending', 'running', 'failed'] as const;
const QUEUE_ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  in_flight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

type QueueDepths = { queue: string; state: string; messages: number }[];
type TaskCounts = { task_type: string; status: string; tasks: number }[];

function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  return Promise.race([
    work(signal),
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${ms} ms`)), { once: true })),
  ]);
}

async function readQueueDepths(sqs: SQSClient, queueUrls: GaugeSources['queueUrls'], signal: AbortSignal): Promise<QueueDepths> {
  const queues = Object.entries(queueUrls).flatMap(([name, url]) => [[name, url], [`${name}-dlq`, `${url}-dlq`]] as const);
  const answers = await Promise.all(
    queues.map(async ([queue, url]) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: Object.values(QUEUE_ATTRIBUTES) }), { abortSignal: signal });
      return Object.entries(QUEUE_ATTRIBUTES).map(([state, attribute]) => ({ queue, state, messages: Number(Attributes[attribute] ?? 0) }));
    }),
  );
  return answers.flat();
}

async function readTaskCounts(pool: Pool, timeoutMs: number): Promise<TaskCounts> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.ceil(timeoutMs)}`);
    const result = await client.query<{ task_type: string; status: string; tasks: number }>('SELECT task_type, status, tasks FROM unfinished_task_counts()');
    await client.query('COMMIT');
    return result.rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Gauges read at scrape time: SQS queue depths (each task queue and its dead-letter queue) and
 * unfinished tasks by type and status across tenants (through a SECURITY DEFINER function that
 * returns counts only). A source that fails or is slow reports no values and `up` 0, never stale ones.
 */
export function registerScrapeGauges(registry: Registry, sources: GaugeSources): void {
  const timeoutMs = sources.timeoutMs ?? 2000;
  type Scrape = { queues: Promise<QueueDepths>; tasks: Promise<TaskCounts>; settled: boolean };
  let scrape: Scrape | undefined;
  // The registry collects every gauge of one scrape at once: they share the reads in flight, and
  // the next scrape reads afresh.
  const current = (): Scrape => {
    if (scrape && !scrape.settled) return scrape;
    const next: Scrape = {
      queues: withTimeout((signal) => readQueueDepths(sources.sqs, sources.queueUrls, signal), timeoutMs),
      tasks: withTimeout(() => readTaskCounts(sources.pool, timeoutMs), timeoutMs),
      settled: false,
    };
    void Promise.allSettled([next.queues, next.tasks]).then(() => {
      next.settled = true;
    });
    scrape = next;
    return next;
  };

  new Gauge({
    name: 'audit_queue_messages',
    help: 'Approximate messages in each task queue and dead-letter queue, by state (visible, in_flight, delayed).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    // Every API process reads the same queues: several processes' answers are one figure, not a sum.
    aggregator: 'max',
    async collect() {
      this.reset();
      const depths = await current().queues.catch(() => []);
      for (const { queue, state, messages } of depths) this.set({ queue, state }, messages);
    },
  });

  new Gauge({
    name: 'audit_tasks',
    help: 'Unfinished background tasks across all tenants, by type and status (pending, running, failed).',
    labelNames: ['task_type', 'status'] as const,
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      const counts = await current().tasks.catch(() => undefined);
      if (!counts) return;
      for (const taskType of TASK_TYPES) for (const status of UNFINISHED) this.set({ task_type: taskType, status }, 0);
      for (const row of counts) this.set({ task_type: row.task_type, status: row.status }, row.tasks);
    },
  });

  new Gauge({
    name: 'audit_metrics_source_up',
    help: 'Whether a source of scrape-time gauges answered in time (1) or not (0).',
    labelNames: ['source'] as const,
    registers: [registry],
    aggregator: 'min',
    async collect() {
      const { queues, tasks } = current();
      const answered = (promise: Promise<unknown>) => promise.then(() => 1, () => 0);
      this.set({ source: 'sqs' }, await answered(queues));
      this.set({ source: 'postgres' }, await answered(tasks));
    },
  });
}
