import { reachedProgress, type LoadProgress } from './load-progress';
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
  /** When the SIGKILL was sent (epoch ms), to compare with the load's start and end. */
  killedAt: number;
  /** From the SIGKILL until the new process served again. */
  downMs: number;
  /** False for a kill sent after the load had finished: it hit the draining pipeline, not the load. */
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

export interface KillRunOptions extends LoadProgress {
  plan: readonly PlannedKill[];
  processes: ServiceProcesses;
  log: (line: string) => void;
}

/**
 * Executes the plan: each process's kills one after another (SIGKILL, restart, wait until it
 * serves, next), the four processes independently, so one slow restart does not push another
 * process's kill past the end of the load. A kill that still lags past the end happens on the
 * draining pipeline and says so (`duringLoad` false), which the soak's assertions refuse.
 */
export async function runKills(options: KillRunOptions): Promise<KillRecord[]> {
  const done: KillRecord[] = [];
  const killsOf = async (service: ServiceName) => {
    for (const kill of options.plan.filter((planned) => planned.service === service)) {
      if (!(await reachedProgress(options, kill.atAcknowledged, `killing the ${service}`))) return;
      const duringLoad = !options.loadFinished();
      const pid = options.processes.processes[service].pid;
      const acknowledgedAtKill = options.acknowledged();
      const killedAt = Date.now();
      await options.processes.killAndRestart(service);
      const record = { ...kill, acknowledgedAtKill, pid, killedAt, downMs: Date.now() - killedAt, duringLoad };
      options.log(`SIGKILL ${service} (pid ${pid}) at ${acknowledgedAtKill} acknowledged events${duringLoad ? '' : ' (after the load)'}; serving again after ${record.downMs} ms`);
      done.push(record);
    }
  };
  await Promise.all(SERVICES.map(killsOf));
  return done.sort((a, b) => a.killedAt - b.killedAt);
}
