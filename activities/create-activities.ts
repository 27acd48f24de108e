import type { Pool } from 'pg';
import type { LogIndexer } from '../search/log-indexer';
import { createIndexActivities } from './index-activities';
import { createTaskStatusActivities } from './task-status-activities';

export interface ActivityDeps {
  pool: Pool;
  indexer: LogIndexer;
}

/** Every activity the worker registers, built once per worker over explicit clients. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createTaskStatusActivities(deps.pool),
    ...createIndexActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
