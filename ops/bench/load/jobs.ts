import type { Job } from './protocol';
import { archiveAnchor } from './archive-jobs';
import { exportJobAnchor } from './export-job-jobs';
import { bulkCopy, bulkHttp, insertPath, singleHttpRate, singlePgRate } from './ingest-jobs';
import { bulkOpenSearch, indexLagHttp, indexLagRaw } from './lag-jobs';
import { cursorWalk, exportCopy, exportHttp, searchDirect, searchHttp } from './read-jobs';
import { publishHttp, publishRedis, tailSubscribers } from './tail-jobs';

/** Every job a load process can run, by name. */
export const JOB_FUNCTIONS = {
  bulkHttp,
  bulkCopy,
  insertPath,
  singleHttpRate,
  singlePgRate,
  indexLagHttp,
  indexLagRaw,
  bulkOpenSearch,
  searchHttp,
  searchDirect,
  cursorWalk,
  exportHttp,
  exportCopy,
  tailSubscribers,
  publishHttp,
  publishRedis,
  archiveAnchor,
  exportJobAnchor,
};

export type JobKind = keyof typeof JOB_FUNCTIONS;
export type JobParams<K extends JobKind> = Parameters<(typeof JOB_FUNCTIONS)[K]>[0];
export type JobResult<K extends JobKind> = Awaited<ReturnType<(typeof JOB_FUNCTIONS)[K]>>;

export const JOBS: Record<string, Job | undefined> = JOB_FUNCTIONS as Record<string, Job>;
