import { ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { RetentionOutcome } from '../activities/retention-sweep-activities';
import type { DueTenant } from '../adapters/postgres/retention-sweep-repository';
import { retentionSweep } from './activity-presets';

const { findTenantsDueForRetention, requestRetentionCleanups, deleteExpiredExports } =
  proxyActivities<Pick<Activities, 'findTenantsDueForRetention' | 'requestRetentionCleanups' | 'deleteExpiredExports'>>(retentionSweep);

/** Tenants per activity: keeps payloads small and the history short however many tenants there are. */
const TENANTS_PER_BATCH = 100;

export interface RetentionSweepResult {
  as_of: string;
  due: number;
  requested: number;
  already_requested: number;
  chain_unfinished: number;
  /** Export jobs' objects deleted because they were past EXPORT_RETENTION_DAYS. */
  expired_exports_deleted: number;
  expired_export_uploads_aborted: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The daily retention run the `retention-sweep` Schedule starts: every tenant holding events older
 * than its `retention_days` (counted back from the start of the current UTC day, so every run on
 * the same day uses the same cutoff) gets the archive → cleanup chain. Requests are idempotent per
 * tenant and cutoff, so a re-run or a manual trigger on the same day starts nothing twice. The
 * same run deletes export jobs' objects past their retention.
 */
export async function retentionSweepWorkflow(): Promise<RetentionSweepResult> {
  const asOf = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS).toISOString();
  const outcomes: RetentionOutcome[] = [];
  let afterTenantId: string | null = null;
  for (;;) {
    const due: DueTenant[] = await findTenantsDueForRetention({ asOf, afterTenantId, limit: TENANTS_PER_BATCH });
    if (due.length === 0) break;
    outcomes.push(...(await requestRetentionCleanups({ tenants: due })));
    afterTenantId = due[due.length - 1]?.tenantId ?? null;
  }
  // Runs recorded before export jobs existed completed without this step; `patched` keeps them replayable.
  const expired = patched('delete-expired-exports') ? await deleteExpiredExports({ asOf }) : { deleted: 0, aborted: 0 };
  const count = (kind: RetentionOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  const failed = outcomes.filter((o): o is Extract<RetentionOutcome, { outcome: 'failed' }> => o.outcome === 'failed');
  if (failed.length > 0) {
    const sample = failed.slice(0, 5).map((o) => `${o.tenantId}: ${o.error}`).join('; ');
    throw ApplicationFailure.nonRetryable(`retention could not be requested for ${failed.length} tenant(s): ${sample}`, 'RetentionSweepIncomplete');
  }
  return {
    as_of: asOf,
    due: outcomes.length,
    requested: count('requested'),
    already_requested: count('already-requested'),
    chain_unfinished: count('chain-unfinished'),
    expired_exports_deleted: expired.deleted,
    // 0 in runs whose activity predates aborting unfinished uploads (its result has no count).
    expired_export_uploads_aborted: expired.aborted ?? 0,
  };
}
