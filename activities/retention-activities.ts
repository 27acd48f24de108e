import { createArchiveCompleteActivity } from './archive-complete-activity';
import { createArchiveManifestActivities } from './archive-manifest-activities';
import { createArchivePartsActivity } from './archive-parts-activity';
import { createCleanupActivities } from './cleanup-activities';
import type { RetentionActivityDeps } from './retention-deps';

/** The activities of the retention chain: archive (parts, manifest, verification, completion) and cleanup. */
export function createRetentionActivities(deps: RetentionActivityDeps) {
  return {
    ...createArchivePartsActivity(deps),
    ...createArchiveManifestActivities(deps),
    ...createArchiveCompleteActivity(deps),
    ...createCleanupActivities(deps),
  };
}
