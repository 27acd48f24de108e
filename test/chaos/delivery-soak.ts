import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { bundleWorkflows } from '../../ops/scripts/bundle-workflows';
import { provisionSandbox, resetSandbox, soakSandboxEnvironment } from './chaos-sandbox';
import { checkDelivery, type StoreReaders } from './delivery-check';
import { isSqsSend, startFaultProxy } from './fault-proxy';
import { planKills, runKills } from './kill-schedule';
import { LoadClients } from './load-clients';
import { planLoad } from './load-plan';
import { waitForDrain } from './pipeline-drain';
import { seededRandom } from './seeded-random';
import { ServiceProcesses } from './service-processes';
import { describeRequests, formatReport, type SoakReport } from './soak-report';
import type { SoakOptions } from './soak-options';
import { createSoakTenants } from './soak-tenants';

/**
 * The crash-and-fault delivery soak, one code path for every size: the service as four processes
 * in a sandbox of its own, SQS sends through a fault proxy, 20 clients writing until every event
 * is acknowledged while processes are SIGKILLed and restarted; then faults stop, the pipeline
 * drains, and PostgreSQL is compared with what clients were told and with OpenSearch.
 */
export async function runDeliverySoak(options: SoakOptions, log: (line: string) => void = (line) => console.log(`      [chaos] ${line}`)): Promise<SoakReport> {
  const started = Date.now();
  log(`seed ${options.seed} (replay with CHAOS_SEED=${options.seed}); ${options.events} events, ${options.killsPerProcess} SIGKILL(s) per process, SQS send fault rate ${options.sqsSendFaultRate}`);
  const env = soakSandboxEnvironment();
  delete env.OUTBOX_RELAY_MIN_AGE_MS;
  if (options.relayMinAgeMs !== undefined) env.OUTBOX_RELAY_MIN_AGE_MS = String(options.relayMinAgeMs);
  await resetSandbox(env);
  await provisionSandbox(env);
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'chaos-soak-'));
  const workflowBundle = path.join(logDir, 'workflow-bundle.js');
  await bundleWorkflows(workflowBundle);

  const elasticmq = new URL(env.SQS_ENDPOINT as string);
  const proxy = await startFaultProxy({
    target: { host: elasticmq.hostname, port: Number(elasticmq.port) },
    eligible: isSqsSend,
    faultRate: options.sqsSendFaultRate,
    random: seededRandom(options.seed + 1).next,
  });
  const readers: StoreReaders = {
    ownerPool: createPgPool(env.DATABASE_OWNER_URL as string, 4, 'chaos-soak-checker'),
    opensearch: createOpenSearchClient(env.OPENSEARCH_URL as string),
    index: env.OPENSEARCH_INDEX as string,
    tenantIds: [],
  };
  let processes: ServiceProcesses | undefined;
  try {
    processes = await ServiceProcesses.start({ env, sqsEndpoint: proxy.url, workflowBundle, logDir, extraEnv: { AWS_MAX_ATTEMPTS: String(options.sdkMaxAttempts) } });
    const running = processes;
    const tenants = await createSoakTenants(running.apiUrl, env, options.tenants, options.seed);
    readers.tenantIds = tenants.ids;
    const random = seededRandom(options.seed);
    const requests = planLoad({ events: options.events, tenantIds: tenants.ids, bulkShare: options.bulkShare, bulkSize: options.bulkSize, runTag: `chaos-${options.seed}`, random });
    const killPlan = planKills(random, options.killsPerProcess, options.events);
    const setupMs = Date.now() - started;
    log(`setup done in ${setupMs} ms; service logs in ${logDir}`);

    const clients = new LoadClients({ apiUrl: running.apiUrl, tokens: tenants.tokens, requests, clients: options.clients, apiReady: () => running.processes.api.whenReady() });
    const loadState = { finished: false, failed: false };
    const loadRun = clients.run().then(
      (result) => ((loadState.finished = true), result),
      (error: unknown) => {
        loadState.failed = true;
        throw error;
      },
    );
    const killRun = runKills({ plan: killPlan, processes: running, acknowledged: () => clients.acknowledgedEvents(), loadFinished: () => loadState.finished, loadFailed: () => loadState.failed, log });
    const [loaded, killed] = await Promise.allSettled([loadRun, killRun]);
    if (loaded.status === 'rejected') throw loaded.reason;
    if (killed.status === 'rejected') throw killed.reason;
    const { acknowledged, ...load } = loaded.value;
    log(`load done in ${load.durationMs} ms: ${acknowledged.size} events acknowledged; faults stop now`);

    proxy.setFaultRate(0);
    const sqsSends = proxy.stats();
    const drainStarted = Date.now();
    const drained = await waitForDrain(readers, options.drainTimeoutMs, log);
    const drainMs = Date.now() - drainStarted;
    const checkStarted = Date.now();
    const figures = await checkDelivery(readers, acknowledged);
    const checkMs = Date.now() - checkStarted;

    const report: SoakReport = {
      options,
      requests: describeRequests(requests),
      load,
      kills: killed.value,
      killsPerProcess: running.kills(),
      unexpectedExits: running.unexpectedExits(),
      sqsSends,
      drained,
      figures,
      durations: { setupMs, loadMs: load.durationMs, drainMs, checkMs, totalMs: Date.now() - started },
      logDir,
    };
    formatReport(report).forEach(log);
    return report;
  } finally {
    await processes?.stopAll();
    await proxy.close();
    await Promise.allSettled([readers.ownerPool.end(), readers.opensearch.close()]);
  }
}
