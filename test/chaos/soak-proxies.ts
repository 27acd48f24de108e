import type { Environment } from './chaos-sandbox';
import { isSqsSend, startFaultProxy, type FaultProxy } from './fault-proxy';
import { seededRandom } from './seeded-random';
import type { SoakOptions } from './soak-options';

export interface SoakProxies {
  /** In front of ElasticMQ: faults SQS sends only. */
  sqs: FaultProxy;
  /** In front of OpenSearch: faults any request of the service's (the checker reads OpenSearch directly). */
  opensearch: FaultProxy;
  /** Faults stop: the pipeline drains against healthy servers. */
  stopFaults(): void;
  close(): Promise<void>;
}

const targetOf = (url: string) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
};

/** The fault proxies the soak's service processes talk through, each with its own seeded fault decisions. */
export async function startSoakProxies(env: Environment, options: SoakOptions): Promise<SoakProxies> {
  const sqs = await startFaultProxy({
    target: targetOf(env.SQS_ENDPOINT as string),
    eligible: isSqsSend,
    faultRate: options.sqsSendFaultRate,
    random: seededRandom(options.seed + 1).next,
  });
  const opensearch = await startFaultProxy({
    target: targetOf(env.OPENSEARCH_URL as string),
    faultRate: options.opensearchFaultRate,
    modes: ['reset', 'reset-after-forward', 'error-status', 'delay'],
    random: seededRandom(options.seed + 3).next,
  }).catch(async (error: unknown) => {
    await sqs.close();
    throw error;
  });
  return {
    sqs,
    opensearch,
    stopFaults() {
      sqs.setFaultRate(0);
      opensearch.setFaultRate(0);
    },
    async close() {
      await Promise.all([sqs.close(), opensearch.close()]);
    },
  };
}
