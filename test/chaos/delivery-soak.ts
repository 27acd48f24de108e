import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { createTemporalClient } from '../../adapters/temporal/temporal-client';
import { bundleWorkflows } from '../../ops/scripts/bundle-workflows';
import { loadConfig } from '../../platform/config/config';
import { provisionSandbox, resetSandbox, soakSandboxEnvironment } from './chaos-sandbox';
import { checkDelivery, type StoreReaders } from './delivery-check';
import { planKills, runKills } from './kill-schedule';
import { LoadClients } from './load-clients';
import { planLoad } from './load-plan';
import type { LoadProgress } from './load-progress';
import { planOutages, runOutages } from './opensearch-faults';
import { waitForDrain } from './pipeline-drain';
import { checkRetention } from './retention-check';
import { RetentionLoad, SOAK_RETENTION_DAYS, type RetentionLoadRecord } from './retention-load';
import { seededRandom } from './seeded-random';
import { ServiceProcesses } from './service-processes';
import { describeRequests, formatReport, type SoakReport } from './soak-report';
import type { SoakOptions } from './soak-options';
import { startSoakProxies } from './soak-proxies';
import { createSoakTenants, soakAdminToken } from './soak-tenants';

/**
 * The crash-and-fault delivery soak, one code path for every size: the service as four processes
 * in a sandbox of its own, SQS sends and OpenSearch requests through fault proxies, 20 clients
 * writing until every event is acknowledged while processes are SIGKILLed and restarted, OpenSearch
 * fails for whole windows, and cleanups archive and delete old events of the same tenants; then
 * faults stop, the pipeline drains, and PostgreSQL is compared with what clients were told, with
 * OpenSearch and with the archives in the bucket.
 */
export async function runDeliverySoak(options: SoakOptions, log: (line: string) => void = (line) => console.log(`      [chaos] ${line}`)): Promise<SoakReport> {
  const started = Date.now();
  log(
    `seed ${options.seed} (replay with CHAOS_SEED=${options.seed}); ${options.events} events, ${options.killsPerProcess} SIGKILL(s) per process, SQS send fault rate ${options.sqsSendFaultRate}, ` +
      `OpenSearch fault rate ${options.opensearchFaultRate} and ${options.opensearchOutages} outage window(s) of ${options.opensearchOutageMs} ms, ` +
      `${options.retentionEvents} old events over ${options.retentionRounds} cleanup round(s)`,
  );
  const env = soakSandboxEnvironment();
  delete env.OUTBOX_RELAY_MIN_AGE_MS;
  if (options.relayMinAgeMs !== undefined) env.OUTBOX_RELAY_MIN_AGE_MS = String(options.relayMinAgeMs);
  await resetSandbox(env);
  await provisionSandbox(env);
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'chaos-soak-'));
  const workflowBundle = path.join(logDir, 'workflow-bundle.js');
  await bundleWorkflows(workflowBundle);

  const config = loadConfig(env);
  const proxies = await startSoakProxies(env, options);
  const readers: StoreReaders = {
    ownerPool: createPgPool(env.DATABASE_OWNER_URL as string, 4, 'chaos-soak-checker'),
    opensearch: createOpenSearchClient(env.OPENSEARCH_URL as string),
    index: env.OPENSEARCH_INDEX as string,
    tenantIds: [],
  };
  let processes: ServiceProcesses | undefined;
  let temporal: Client | undefined;
  try {
    processes = await ServiceProcesses.start({
      env,
      sqsEndpoint: proxies.sqs.url,
      opensearchUrl: proxies.opensearch.url,
      workflowBundle,
      logDir,
      extraEnv: { AWS_MAX_ATTEMPTS: String(options.sdkMaxAttempts) },
    });
    const running = processes;
    temporal = await createTemporalClient(config.temporal);
    const adminToken = soakAdminToken(env);
    const tenants = await createSoakTenants(running.apiUrl, adminToken, options.tenants, options.seed, SOAK_RETENTION_DAYS);
    readers.tenantIds = tenants.ids;
    const random = seededRandom(options.seed);
    const requests = planLoad({ events: options.events, tenantIds: tenants.ids, bulkShare: options.bulkShare, bulkSize: options.bulkSize, runTag: `chaos-${options.seed}`, random });
    const killPlan = planKills(random, options.killsPerProcess, options.events);
    const outagePlan = planOutages(random, options.opensearchOutages, options.events);
    const apiReady = () => running.processes.api.whenReady();
    const clients = new LoadClients({ apiUrl: running.apiUrl, tokens: tenants.tokens, requests, clients: options.clients, apiReady });
    const loadWindow = { startedAt: 0, endedAt: 0, finished: false, failed: false };
    const progress: LoadProgress = { acknowledged: () => clients.acknowledgedEvents(), loadFinished: () => loadWindow.finished, loadFailed: () => loadWindow.failed };
    const retentionLoad = new RetentionLoad({
      ...progress,
      apiUrl: running.apiUrl,
      apiReady,
      tenants,
      adminToken,
      temporal,
      taskQueue: config.temporal.taskQueue,
      events: options.retentionEvents,
      rounds: options.retentionRounds,
      totalLoadEvents: options.events,
      seed: options.seed,
      random: seededRandom(options.seed + 2),
      log,
    });
    if (options.retentionEvents > 0) await retentionLoad.seedOldWave(1);
    const setupMs = Date.now() - started;
    log(`setup done in ${setupMs} ms; service logs in ${logDir}`);

    loadWindow.startedAt = Date.now();
    const loadRun = clients.run().then(
      (result) => {
        loadWindow.endedAt = Date.now();
        loadWindow.finished = true;
        return result;
      },
      (error: unknown) => {
        loadWindow.failed = true;
        throw error;
      },
    );
    const noRetention: Promise<RetentionLoadRecord> = Promise.resolve({ waves: [], cleanups: [], sweeps: [] });
    const [loaded, killed, outages, retained] = await Promise.allSettled([
      loadRun,
      runKills({ ...progress, plan: killPlan, processes: running, log }),
      runOutages({ ...progress, plan: outagePlan, proxy: proxies.opensearch, ms: options.opensearchOutageMs, log }),
      options.retentionEvents > 0 ? retentionLoad.run() : noRetention,
    ]);
    const { acknowledged, ...load } = valueOf(loaded);
    const [kills, outageWindows, retention] = [valueOf(killed), valueOf(outages), valueOf(retained)];
    log(`load done in ${load.durationMs} ms: ${acknowledged.size} events acknowledged; faults stop now`);

    proxies.stopFaults();
    const [sqsSends, opensearchRequests] = [proxies.sqs.stats(), proxies.opensearch.stats()];
    const drainStarted = Date.now();
    const drained = await waitForDrain(readers, options.drainTimeoutMs, log);
    const drainMs = Date.now() - drainStarted;
    const checkStarted = Date.now();
    const oldEventIds = new Set(retention.waves.flatMap((wave) => [...wave.acknowledged.keys()]));
    const figures = await checkDelivery(readers, acknowledged, oldEventIds);
    const retentionFigures = options.retentionEvents > 0 ? await checkRetention(readers, config, retention) : undefined;
    const checkMs = Date.now() - checkStarted;

    const report: SoakReport = {
      options,
      requests: describeRequests(requests),
      load,
      loadWindow: { startedAt: loadWindow.startedAt, endedAt: loadWindow.endedAt },
      kills,
      killsPerProcess: running.kills(),
      unexpectedExits: running.unexpectedExits(),
      sqsSends,
      opensearchRequests,
      outages: outageWindows,
      retention,
      retentionFigures,
      drained,
      figures,
      durations: { setupMs, loadMs: load.durationMs, drainMs, checkMs, totalMs: Date.now() - started },
      logDir,
    };
    formatReport(report).forEach(log);
    return report;
  } finally {
    await processes?.stopAll();
    await proxies.close();
    await Promise.allSettled([readers.ownerPool.end(), readers.opensearch.close(), temporal?.connection.close()]);
  }
}

/** A settled result's value, or its failure thrown. */
function valueOf<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}
