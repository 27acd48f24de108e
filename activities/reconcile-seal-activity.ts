import { heartbeatingWhile } from './heartbeating-while';
import type { RetentionActivityDeps } from './retention-deps';
import type { TaskInput } from './task-status-activities';

export function createReconcileSealActivity(deps: Pick<RetentionActivityDeps, 'catchUpSealer'>) {
  return {
    /**
     * Seals the events a tenant's sealer left waiting, then signs a checkpoint over them, so a
     * reconcile leaves no committed event outside the tenant's log. The sealer seals on each
     * ingest's request, so what waits here had its request lost or its session stopped: a sealer
     * terminated by an operator, or sealing switched off for a while, on a tenant nothing was
     * ingested into since. Under the tenant's lock, beside `seal-<tenant>`, as an archive's seal
     * is. The checkpoint is signed even when this attempt sealed nothing: an earlier attempt may
     * have sealed and stopped before it (nothing is signed when the latest checkpoint covers the
     * tree). Sealing off: nothing.
     */
    async sealLeftWaiting(input: TaskInput): Promise<{ sealed: number }> {
      const sealer = deps.catchUpSealer;
      if (!sealer) return { sealed: 0 };
      const sealed = await heartbeatingWhile(sealer.sealWaiting(input.tenantId));
      await heartbeatingWhile(sealer.checkpoint(input.tenantId));
      return { sealed };
    },
  };
}
