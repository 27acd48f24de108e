import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { performance } from 'node:perf_hooks';
import { createSqsClient } from '../../../adapters/sqs/sqs-client';
import type { BenchContext } from './context';
import type { Proofs } from './honesty';

/** What the pipeline still has to do; all zero when drained. */
export interface PipelineBacklog {
  /** Task rows of the sandbox not yet succeeded or failed. */
  unfinishedTasks: number;
  /** Messages in the sandbox's task queues: waiting, in flight or delayed (a dead letter's task stays unfinished). */
  queuedMessages: number;
  /** Rows of the given tenants in PostgreSQL minus their documents in OpenSearch. */
  unindexed: number;
  /** Rows of the given tenants not yet sealed into their integrity log (tenants written through the API only). */
  unsealed: number;
  /**
   * Segment merges OpenSearch is running: a seeded or just-deleted corpus keeps it merging for tens
   * of seconds after the writes, and whatever is timed meanwhile shares the cores with them.
   */
  searchMerges: number;
}

const ATTRIBUTES = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

async function queuedMessages(ctx: Pick<BenchContext, 'config'>): Promise<number> {
  const sqs = createSqsClient(ctx.config.sqs);
  try {
    const counts = await Promise.all(
      Object.values(ctx.config.sqs.queueUrls).map(async (QueueUrl) => {
        const found = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...ATTRIBUTES] })).catch(() => undefined);
        return ATTRIBUTES.reduce((sum, name) => sum + Number(found?.Attributes?.[name] ?? 0), 0);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    sqs.destroy();
  }
}

async function runningMerges(ctx: Pick<BenchContext, 'opensearch'>): Promise<number> {
  const response = await ctx.opensearch.nodes.stats({ metric: ['indices'], index_metric: ['merge'] });
  const nodes = Object.values((response.body as { nodes: Record<string, { indices: { merges: { current: number } } }> }).nodes);
  return nodes.reduce((sum, node) => sum + node.indices.merges.current, 0);
}

/** The backlog seen from PostgreSQL, SQS and OpenSearch, never from the service's own answers. */
export async function pipelineBacklog(ctx: Pick<BenchContext, 'config' | 'ownerPool' | 'opensearch' | 'index'>, tenantIds: readonly string[], sealed: boolean): Promise<PipelineBacklog> {
  const [tasks, rows, queued, merges] = await Promise.all([
    // A tenant's sealer session keeps its integrity_seal row running through a 120 s idle wait after
    // its last round: not work left (unsealed rows are counted below), and counting it made every
    // drain last two minutes.
    ctx.ownerPool.query<{ n: string }>("SELECT count(*) AS n FROM async_task WHERE status IN ('pending', 'running') AND task_type <> 'integrity_seal'"),
    ctx.ownerPool.query<{ rows: string; leaves: string }>(
      `SELECT (SELECT count(*) FROM logs WHERE tenant_id = ANY($1::uuid[])) AS rows,
              (SELECT count(*) FROM integrity_leaves WHERE tenant_id = ANY($1::uuid[])) AS leaves`,
      [tenantIds],
    ),
    queuedMessages(ctx),
    runningMerges(ctx),
  ]);
  let documents = 0;
  if (tenantIds.length > 0) {
    await ctx.opensearch.indices.refresh({ index: ctx.index });
    const response = await ctx.opensearch.count({ index: ctx.index, body: { query: { terms: { tenant_id: [...tenantIds] } } } });
    documents = response.body.count;
  }
  const rowCount = Number(rows.rows[0]?.rows ?? 0);
  return {
    unfinishedTasks: Number(tasks.rows[0]?.n ?? 0),
    queuedMessages: queued,
    unindexed: rowCount - documents,
    unsealed: sealed ? rowCount - Number(rows.rows[0]?.leaves ?? 0) : 0,
    searchMerges: merges,
  };
}

const isDrained = (b: PipelineBacklog) => b.unfinishedTasks === 0 && b.queuedMessages === 0 && b.unindexed === 0 && b.unsealed === 0 && b.searchMerges === 0;

/**
 * Waits until the service has finished with what it accepted (no unfinished task, no queued message,
 * the tenants' rows all searchable and, when `sealed`, sealed) and OpenSearch has no merge running,
 * so whatever is measured next (the service or an anchor) does not share the machine with a
 * draining backlog. When it does not drain in time, `proofs` (if given) refuses the anchor's figure. Returns the last backlog seen and how long it waited.
 */
export async function waitForDrain(
  ctx: Pick<BenchContext, 'config' | 'ownerPool' | 'opensearch' | 'index'>,
  options: { tenantIds?: readonly string[]; sealed?: boolean; timeoutMs?: number; proofs?: Proofs; before?: string } = {},
): Promise<{ drained: boolean; backlog: PipelineBacklog; waitedMs: number }> {
  const started = performance.now();
  const deadline = started + (options.timeoutMs ?? 600_000);
  let backlog = await pipelineBacklog(ctx, options.tenantIds ?? [], options.sealed ?? false);
  while (!isDrained(backlog) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    backlog = await pipelineBacklog(ctx, options.tenantIds ?? [], options.sealed ?? false);
  }
  const drained = isDrained(backlog);
  if (!drained) {
    options.proofs?.refuse(`${options.before ?? 'anchor'}: the pipeline had not drained after ${Math.round((performance.now() - started) / 1000)} s (${JSON.stringify(backlog)})`);
  }
  return { drained, backlog, waitedMs: performance.now() - started };
}
