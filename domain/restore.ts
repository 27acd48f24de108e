import type { TaskStatus } from './task';

/** How long restored copies stay searchable (api.md, "Restores"). */
export const RESTORE_EXPIRY_DAYS = { min: 1, max: 30, default: 7 } as const;

/** A restore's state as GET /restores shows it: its task's, until the copies expire or are deleted. */
export type RestoreStatus = TaskStatus | 'expired' | 'deleted';

export interface Restore {
  restore_id: string;
  task_id: string;
  start_time: string;
  end_time: string;
  status: RestoreStatus;
  /** Copies loaded; null until the restore succeeded. */
  rows: number | null;
  expires_at: string;
  created_at: string;
  removed_at: string | null;
}

/** What a `restore` task's payload holds. */
export interface RestorePayload {
  restore_id: string;
  start_time: string;
  end_time: string;
}

/** One archive part a restore loads, as its plan records it. */
export interface RestorePart {
  position: number;
  archiveTaskId: string;
  key: string;
  bytes: number;
  sha256: string;
  loadedRows: number | null;
}
