import type { DeliveryFigures } from './delivery-check';
import type { FaultProxyStats } from './fault-proxy';
import type { KillRecord } from './kill-schedule';
import type { LoadResult } from './load-clients';
import type { PlannedRequest } from './load-plan';
import type { OutageRecord } from './opensearch-faults';
import type { RetentionFigures } from './retention-check';
import type { RetentionLoadRecord } from './retention-load';
import type { UnexpectedExit } from './service-process';
import type { ServiceName } from './service-processes';
import type { SoakOptions } from './soak-options';

export interface SoakReport {
  options: SoakOptions;
  requests: { single: number; bulk: number; bulkEvents: number };
  load: Omit<LoadResult, 'acknowledged'>;
  /** When the load's clients started and when the last event was acknowledged (epoch ms). */
  loadWindow: { startedAt: number; endedAt: number };
  kills: KillRecord[];
  killsPerProcess: Record<ServiceName, number>;
  unexpectedExits: UnexpectedExit[];
  sqsSends: FaultProxyStats;
  opensearchRequests: FaultProxyStats;
  outages: OutageRecord[];
  retention: RetentionLoadRecord;
  /** Undefined when the soak ran without retention (CHAOS_RETENTION_EVENTS=0). */
  retentionFigures: RetentionFigures | undefined;
  drained: boolean;
  figures: DeliveryFigures;
  durations: { setupMs: number; loadMs: number; drainMs: number; checkMs: number; totalMs: number };
  logDir: string;
}

export function describeRequests(requests: readonly PlannedRequest[]): SoakReport['requests'] {
  const bulk = requests.filter((request) => request.kind === 'bulk');
  return { single: requests.length - bulk.length, bulk: bulk.length, bulkEvents: bulk.reduce((sum, request) => sum + request.events.length, 0) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Kills that did not land while the load was running: "service at +x s (load ran y s)". */
export function killsOutsideLoad(report: SoakReport): string[] {
  const { startedAt, endedAt } = report.loadWindow;
  return report.kills
    .filter((kill) => !kill.duringLoad || kill.killedAt < startedAt || kill.killedAt > endedAt)
    .map((kill) => `${kill.service} at +${seconds(kill.killedAt - startedAt)} (load ran ${seconds(endedAt - startedAt)})`);
}

function opensearchLine(report: SoakReport): string {
  const { opensearchRequests: os, outages } = report;
  const windows = (mode: string) => outages.filter((outage) => outage.mode === mode).length;
  return (
    `OpenSearch requests through the proxy ${os.requests}, faulted one by one ${os.faulted} (reset ${os.byMode.reset}, reset after forwarding ${os.byMode['reset-after-forward']}, ` +
    `503 ${os.byMode['error-status']}, delayed ${os.byMode.delay}); outage windows ${outages.length} of ${seconds(report.options.opensearchOutageMs)} (${windows('error-status')} answering 503, ` +
    `${windows('stall')} stalling) failed ${os.failedInOutages['error-status']} requests with 503 and stalled ${os.failedInOutages.stall}`
  );
}

function retentionLines(report: SoakReport): string[] {
  const figures = report.retentionFigures;
  if (!figures) return ['retention: off (CHAOS_RETENTION_EVENTS=0)'];
  const { cleanups, sweeps, waves } = report.retention;
  const accepted = cleanups.filter((cleanup) => cleanup.status === 202).length;
  const sweepSummary = sweeps.map((sweep) => (sweep.result ? `requested ${sweep.result.requested}, skipped busy ${sweep.result.chain_unfinished}` : `failed: ${sweep.error}`)).join('; ') || 'none';
  return [
    `retention: ${figures.seeded} old events in ${waves.length} waves; DELETE /logs/cleanup during the load ${cleanups.length} (${accepted} accepted, ${cleanups.length - accepted} answered 409), ` +
      `${cleanups.filter((cleanup) => !cleanup.duringLoad).length} after it; sweeps: ${sweepSummary}`,
    `retention figures: deleted ${figures.deleted} (due ${figures.due}, due but kept ${figures.dueButKept.length}) | archived ${figures.archivedEntries} entries in ${figures.manifests} manifests, ` +
      `${figures.parts} parts (stray parts ${figures.strayParts.length}) | deleted but not archived ${figures.deletedNotArchived.length} | archived more than once ${figures.archivedMoreThanOnce.length} | ` +
      `in two manifests ${figures.inTwoManifests.length} | archived though not old ${figures.archivedNotOld.length} | archived but kept ${figures.archivedButKept.length} | resurrected in search ${figures.resurrected.length}`,
  ];
}

/** The figures the issue asks for, one topic per line. */
export function formatReport(report: SoakReport): string[] {
  const { options, figures, sqsSends, load } = report;
  const percent = sqsSends.eligible ? ((100 * sqsSends.faulted) / sqsSends.eligible).toFixed(1) : '0';
  const statuses = Object.entries(figures.tasksByStatus).map(([status, count]) => `${status} ${count}`).join(', ') || 'none';
  const kills = Object.entries(report.killsPerProcess).map(([name, count]) => `${name} ${count}`).join(', ');
  const outside = killsOutsideLoad(report);
  return [
    `delivery soak, seed ${options.seed}: ${options.events} events from ${options.clients} clients over ${options.tenants} tenants; ` +
      `${report.requests.bulkEvents} events (${(100 * options.bulkShare).toFixed(0)}% of events) in ${report.requests.bulk} bulk requests, ${report.requests.single} single requests`,
    `events sent ${options.events} | acknowledged ${figures.acknowledged} (${figures.acknowledged - load.acknowledgedAsRepeat} as 201, ${load.acknowledgedAsRepeat} as 200 repeat) | committed ${figures.committed} ` +
      `(+ ${figures.serviceEvents} events the service recorded itself, + ${figures.retentionRows} old events retention kept) | indexed ${figures.indexed} of those ${figures.committed + figures.serviceEvents + figures.retentionRows} rows`,
    `lost ${figures.lost.length} | duplicated ${figures.duplicated.length} | answered with a wrong id ${figures.wrongId.length} | rows never acknowledged ${figures.unacknowledgedRows.length} | ` +
      `unindexed ${figures.unindexed.length} | orphan documents ${figures.orphans.length} | mismatched documents ${figures.mismatchedDocs.length}`,
    `tasks: ${statuses}`,
    `SIGKILLs: ${kills}; ${report.kills.length - outside.length} of ${report.kills.length} landed while the load ran${outside.length ? ` (outside it: ${outside.join(', ')})` : ''}; ` +
      `at +${report.kills.map((kill) => seconds(kill.killedAt - report.loadWindow.startedAt)).join(', +')} of a ${seconds(report.loadWindow.endedAt - report.loadWindow.startedAt)} load; unexpected exits ${report.unexpectedExits.length}`,
    `SQS sends through the proxy ${sqsSends.eligible}, faulted ${sqsSends.faulted} (${percent}%: reset ${sqsSends.byMode.reset}, ` +
      `reset after forwarding ${sqsSends.byMode['reset-after-forward']}, 503 ${sqsSends.byMode['error-status']}); AWS_MAX_ATTEMPTS ${options.sdkMaxAttempts}; ` +
      `relay min age ${options.relayMinAgeMs === undefined ? "the service's default" : `${options.relayMinAgeMs} ms`}`,
    opensearchLine(report),
    ...retentionLines(report),
    `HTTP attempts ${load.httpAttempts}, connection failures ${load.connectionFailures}, retried statuses ${JSON.stringify(load.retriedStatuses)}`,
    `durations: setup ${seconds(report.durations.setupMs)}, load ${seconds(report.durations.loadMs)}, drain ${seconds(report.durations.drainMs)}${report.drained ? '' : ' (did not drain)'}, ` +
      `check ${seconds(report.durations.checkMs)}, total ${seconds(report.durations.totalMs)}; process logs in ${report.logDir}`,
  ];
}
