import { apiProcesses } from './api-processes';
import { archiveCleanup } from './archive-cleanup';
import { bulkIngest } from './bulk-ingest';
import { exportLogs } from './export';
import { exportJobs } from './export-job';
import { indexLag } from './index-lag';
import { insertPath } from './insert-path';
import { integrity } from './integrity';
import { liveTail } from './live-tail';
import type { Scenario } from './scenario';
import { restore } from './restore';
import { search } from './search';
import { singlePost } from './single-post';

/** In the order; `--only=1,4` picks by id. */
export const SCENARIOS: Scenario[] = [bulkIngest, insertPath, singlePost, indexLag, search, exportLogs, liveTail, archiveCleanup, apiProcesses, exportJobs, restore, integrity];
