import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'audit-metrics:request';
const ANSWER = 'audit-metrics:answer';
const ANSWER_TIMEOUT_MS = 5_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}
interface MetricsAnswer {
  type: typeof ANSWER;
  id: string;
  text?: string;
  error?: string;
}

export interface MetricsExposition {
  contentType: string;
  text: string;
}

/**
 * What a scrape of one API process returns. Under node:cluster a scrape lands on whichever process
 * the primary hands the connection to, so a worker asks the primary for the sum over every process
 * (prom-client's AggregatorRegistry); alone, a process answers with its own registry.
 */
export function metricsExposition(registry: Registry): () => Promise<MetricsExposition> {
  if (!cluster.isWorker || !process.send) return async () => ({ contentType: registry.contentType, text: await registry.metrics() });
  // Constructing one installs prom-client's worker-side listener that answers the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => finish(new Error(`the primary process gave no metrics within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      const onMessage = (message: MetricsAnswer) => {
        if (message?.type !== ANSWER || message.id !== id) return;
        finish(message.error === undefined ? undefined : new Error(message.error), message.text);
      };
      function finish(error?: Error, text = '') {
        clearTimeout(timer);
        process.off('message', onMessage);
        if (error) reject(error);
        else resolve({ contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE, text });
      }
      process.on('message', onMessage);
      process.send!({ type: REQUEST, id } satisfies MetricsRequest);
    });
}

/** In the cluster's primary: answers the workers' metrics requests with the aggregate of all of them. */
export function answerClusterMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.type !== REQUEST) return;
    const answer = (fields: Omit<MetricsAnswer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...fields } satisfies MetricsAnswer);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: (error as Error).message }),
    );
  });
}
