import type { DeliveryFigures } from './delivery-check';
import type { FaultProxyStats } from './fault-proxy';
import type { KillRecord } from './kill-schedule';
import type { LoadResult } from './load-clients';
import type { PlannedRequest } from './load-plan';
import type { UnexpectedExit } from './service-process';
import type { ServiceName } from './service-processes';
import type { SoakOptions } from './soak-options';

export interface SoakReport {
  options: SoakOptions;
  requests: { single: number; bulk: number; bulkEvents: number };
  load: Omit<LoadResult, 'acknowledged'>;
  kills: KillRecord[];
  killsPerProcess: Record<ServiceName, number>;
  unexpectedExits: UnexpectedExit[];
  sqsSends: FaultProxyStats;
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

/** The figures the issue asks for, one topic per line. */
export function formatReport(report: SoakReport): string[] {
  const { options, figures, sqsSends, load } = report;
  const percent = sqsSends.eligible ? ((100 * sqsSends.faulted) / sqsSends.eligible).toFixed(1) : '0';
  const statuses = Object.entries(figures.tasksByStatus).map(([status, count]) => `${status} ${count}`).join(', ') || 'none';
  const kills = Object.entries(report.killsPerProcess).map(([name, count]) => `${name} ${count}`).join(', ');
  const duringLoad = report.kills.filter((kill) => kill.duringLoad).length;
  return [
    `delivery soak, seed ${options.seed}: ${options.events} events from ${options.clients} clients over ${options.tenants} tenants; ` +
      `${report.requests.bulkEvents} events (${(100 * options.bulkShare).toFixed(0)}% of events) in ${report.requests.bulk} bulk requests, ${report.requests.single} single requests`,
    `events sent ${options.events} | acknowledged ${figures.acknowledged} (${figures.acknowledged - load.acknowledgedAsRepeat} as 201, ${load.acknowledgedAsRepeat} as 200 repeat) | committed ${figures.committed} ` +
      `(+ ${figures.serviceEvents} events the service recorded itself: tenant.created, token.issued) | indexed ${figures.indexed} of those ${figures.committed + figures.serviceEvents} rows`,
    `lost ${figures.lost.length} | duplicated ${figures.duplicated.length} | answered with a wrong id ${figures.wrongId.length} | rows never acknowledged ${figures.unacknowledgedRows.length} | ` +
      `unindexed ${figures.unindexed.length} | orphan documents ${figures.orphans.length} | mismatched documents ${figures.mismatchedDocs.length}`,
    `tasks: ${statuses}`,
    `SIGKILLs: ${kills} (${duringLoad} during the load, ${report.kills.length - duringLoad} after it); unexpected exits ${report.unexpectedExits.length}`,
    `SQS sends through the proxy ${sqsSends.eligible}, faulted ${sqsSends.faulted} (${percent}%: reset ${sqsSends.byMode.reset}, ` +
      `reset after forwarding ${sqsSends.byMode['reset-after-forward']}, 503 ${sqsSends.byMode['error-status']}); AWS_MAX_ATTEMPTS ${options.sdkMaxAttempts}; ` +
      `relay min age ${options.relayMinAgeMs === undefined ? "the service's default" : `${options.relayMinAgeMs} ms`}`,
    `HTTP attempts ${load.httpAttempts}, connection failures ${load.connectionFailures}, retried statuses ${JSON.stringify(load.retriedStatuses)}`,
    `durations: setup ${seconds(report.durations.setupMs)}, load ${seconds(report.durations.loadMs)}, drain ${seconds(report.durations.drainMs)}${report.drained ? '' : ' (did not drain)'}, ` +
      `check ${seconds(report.durations.checkMs)}, total ${seconds(report.durations.totalMs)}; process logs in ${report.logDir}`,
  ];
}
