import type { Client } from '@temporalio/client';
import type { RetentionSweepResult } from '../../workflows/retention-sweep-workflow';
import { LoadClients, type Acknowledgement } from './load-clients';
import { planLoad } from './load-plan';
import { reachedProgress, type LoadProgress } from './load-progress';
import type { SeededRandom } from './seeded-random';
import type { SoakTenants } from './soak-tenants';

const DAY_MS = 24 * 3600_000;
/** The soak's tenants keep this many days; the cleanups it requests cut at the same age. */
export const SOAK_RETENTION_DAYS = 180;
/** Old events are dated this many days back, well before any cut: every one is due for archiving. */
const OLD_EVENT_AGE_DAYS = { min: 400, max: 720 };

/** One wave of old events, sent through the API like any client's and acknowledged at `acknowledgedAt`. */
export interface OldWave {
  wave: number;
  acknowledged: Map<string, Acknowledgement>;
  acknowledgedAt: number;
}

export interface CleanupRecord {
  round: number;
  tenantId: string;
  /** When the request that got this answer was sent (epoch ms). */
  sentAt: number;
  /** 202: this request started the chain; 409: one of the tenant's chains was still unfinished (or an earlier attempt of this request had started one and its answer was lost). */
  status: 202 | 409;
  taskId: string;
  duringLoad: boolean;
}

export interface SweepRecord {
  round: number;
  result?: RetentionSweepResult;
  error?: string;
}

export interface RetentionLoadRecord {
  waves: OldWave[];
  cleanups: CleanupRecord[];
  sweeps: SweepRecord[];
}

export interface RetentionLoadOptions extends LoadProgress {
  apiUrl: string;
  apiReady: () => Promise<void>;
  tenants: SoakTenants;
  /** A platform admin's token: `DELETE /logs/cleanup?tenant_id=…`. */
  adminToken: string;
  temporal: Client;
  taskQueue: string;
  /** Old events over all waves; one wave per round. */
  events: number;
  rounds: number;
  totalLoadEvents: number;
  seed: number;
  random: SeededRandom;
  log: (line: string) => void;
}

/**
 * Retention during the load: a wave of old events (seeded before the load by `seedOldWave(1)`),
 * then `rounds` cleanup rounds spread over the load. Each round asks `DELETE /logs/cleanup` for
 * every tenant, after running the scheduled sweep's workflow every second round, and sends the next wave
 * of old events, so later rounds have new work and meet chains still running.
 */
export class RetentionLoad {
  private readonly record: RetentionLoadRecord = { waves: [], cleanups: [], sweeps: [] };

  constructor(private readonly options: RetentionLoadOptions) {}

  async seedOldWave(wave: number): Promise<void> {
    const { events, rounds, tenants, random, apiUrl, apiReady, seed } = this.options;
    const size = Math.floor(events / rounds) + (wave <= events % rounds ? 1 : 0);
    const requests = planLoad({ events: size, tenantIds: tenants.ids, bulkShare: 1, bulkSize: { min: 10, max: 50 }, runTag: `chaos-${seed}-old${wave}`, random });
    for (const event of requests.flatMap((request) => request.events)) {
      event.event_timestamp = new Date(Date.now() - random.int(OLD_EVENT_AGE_DAYS.min, OLD_EVENT_AGE_DAYS.max) * DAY_MS).toISOString();
    }
    const { acknowledged } = await new LoadClients({ apiUrl, tokens: tenants.tokens, requests, clients: 4, apiReady }).run();
    this.record.waves.push({ wave, acknowledged, acknowledgedAt: Date.now() });
  }

  async run(): Promise<RetentionLoadRecord> {
    const { rounds, totalLoadEvents, random, log } = this.options;
    for (let round = 1; round <= rounds; round++) {
      const at = Math.floor(totalLoadEvents * (0.05 + (0.75 * (round - 1 + random.next() * 0.5)) / rounds));
      if (!(await reachedProgress(this.options, at, `cleanup round ${round}`))) break;
      const duringLoad = !this.options.loadFinished();
      // The sweep goes first and the requests meet its chains; started together, the requests always won.
      if (round % 2 === 0) await this.sweep(round);
      const answers = await Promise.all(this.options.tenants.ids.map((tenantId) => this.requestCleanup(round, tenantId, duringLoad)));
      this.record.cleanups.push(...answers);
      log(`cleanup round ${round} at ${this.options.acknowledged()} acknowledged events: ${answers.filter((a) => a.status === 202).length} accepted, ${answers.filter((a) => a.status === 409).length} refused with 409${round % 2 === 0 ? ' after a sweep' : ''}`);
      if (round < rounds) await this.seedOldWave(round + 1);
    }
    return this.record;
  }

  /** Sends the request until it is answered 202 or 409, through API restarts and 5xx, as an operator's script would. */
  private async requestCleanup(round: number, tenantId: string, duringLoad: boolean): Promise<CleanupRecord> {
    const { apiUrl, apiReady, adminToken } = this.options;
    for (let attempt = 1; attempt <= 200; attempt++) {
      const beforeDate = new Date(Date.now() - SOAK_RETENTION_DAYS * DAY_MS).toISOString();
      const sentAt = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${apiUrl}/api/v1/logs/cleanup?tenant_id=${tenantId}&before_date=${encodeURIComponent(beforeDate)}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${adminToken}` },
          signal: AbortSignal.timeout(60_000),
        });
        text = await response.text();
      } catch {
        await apiReady();
        continue;
      }
      if (response.status === 202 || response.status === 409) {
        const taskId = (JSON.parse(text) as { task_id?: string }).task_id;
        if (!taskId) throw new Error(`DELETE /logs/cleanup answered ${response.status} without task_id: ${text}`);
        return { round, tenantId, sentAt, status: response.status, taskId, duringLoad };
      }
      if (response.status < 500 && response.status !== 429) throw new Error(`DELETE /logs/cleanup for tenant ${tenantId} answered ${response.status}: ${text}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * attempt)));
    }
    throw new Error(`DELETE /logs/cleanup for tenant ${tenantId} was answered neither 202 nor 409 after 200 attempts`);
  }

  /** The workflow the daily retention Schedule starts, started now: the sweep must skip tenants whose chain is busy. */
  private async sweep(round: number): Promise<void> {
    const { temporal, taskQueue, seed } = this.options;
    try {
      const handle = await temporal.workflow.start('retentionSweepWorkflow', { taskQueue, workflowId: `chaos-sweep-${seed}-${round}-${Date.now()}`, args: [] });
      this.record.sweeps.push({ round, result: (await handle.result()) as RetentionSweepResult });
    } catch (error) {
      this.record.sweeps.push({ round, error: (error as Error).message });
    }
  }
}
