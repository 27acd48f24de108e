import { waitFor } from '../support/wait-for';
import type { SeededRandom } from './seeded-random';
import { SERVICES, type ServiceName, type ServiceProcesses } from './service-processes';

export interface PlannedKill {
  service: ServiceName;
  /** The kill happens once this many events are acknowledged: a random moment of the load, tied to its progress. */
  atAcknowledged: number;
}

export interface KillRecord extends PlannedKill {
  /** Events acknowledged when the SIGKILL was sent (the load keeps running, so it can be past the planned point). */
  acknowledgedAtKill: number;
  pid: number | undefined;
  /** From the SIGKILL until the new process served again. */
  downMs: number;
  /** False for a kill that lagged past the end of the load (restarts take seconds): it hit the draining pipeline. */
  duringLoad: boolean;
}

/**
 * `perService` kills of each process at seeded random points between 5% and 85% of the load,
 * so every kill lands while clients are still writing.
 */
export function planKills(random: SeededRandom, perService: number, totalEvents: number): PlannedKill[] {
  const kills: PlannedKill[] = [];
  for (const service of SERVICES) {
    for (let i = 0; i < perService; i++) kills.push({ service, atAcknowledged: Math.floor(totalEvents * (0.05 + 0.8 * random.next())) });
  }
  return kills.sort((a, b) => a.atAcknowledged - b.atAcknowledged);
}

export interface KillRunOptions {
  plan: readonly PlannedKill[];
  processes: ServiceProcesses;
  acknowledged: () => number;
  loadFinished: () => boolean;
  /** True once the load has failed: remaining kills are skipped. */
  loadFailed: () => boolean;
  log: (line: string) => void;
}

/**
 * Executes the plan one kill at a time: SIGKILL, restart, wait until the process serves, next.
 * A kill that lags past the end of the load still happens, on the draining pipeline.
 */
export async function runKills(options: KillRunOptions): Promise<KillRecord[]> {
  const done: KillRecord[] = [];
  for (const kill of options.plan) {
    await waitFor(`${kill.atAcknowledged} acknowledged events before killing the ${kill.service}`, () => options.loadFinished() || options.loadFailed() || options.acknowledged() >= kill.atAcknowledged, {
      timeoutMs: 24 * 3600_000,
      intervalMs: 50,
    });
    if (options.loadFailed()) break;
    const duringLoad = !options.loadFinished();
    const pid = options.processes.processes[kill.service].pid;
    const acknowledgedAtKill = options.acknowledged();
    const started = Date.now();
    await options.processes.killAndRestart(kill.service);
    const record = { ...kill, acknowledgedAtKill, pid, downMs: Date.now() - started, duringLoad };
    options.log(`SIGKILL ${kill.service} (pid ${pid}) at ${acknowledgedAtKill} acknowledged events${duringLoad ? '' : ' (after the load)'}; serving again after ${record.downMs} ms`);
    done.push(record);
  }
  return done;
}
