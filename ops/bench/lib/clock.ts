import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
