import os from 'node:os';
import path from 'node:path';
import { memoryAtRest } from './lib/memory-at-rest';
import { createServiceSet, freePort, fromAppSh, productionLaunch, type ServiceName } from './lib/services';

/**
 * npm run bench:memory: the service's processes started from the build exactly as `npm run up`
 * starts them (ops/stack/app.sh's processes for the BACKGROUND_PROCESS in the environment, default
 * combined, with their node flags and the prebuilt workflow bundle), left idle, then their
 * resident memory each and in all, against issue 13's goal of 300 MB. Needs `npm run build` and the
 * workflow bundle (`node dist/ops/scripts/bundle-workflows.js dist/workflow-bundle.js`) first.
 */
const GOAL_MB = 300;

async function main() {
  const names = fromAppSh('app_processes') as ServiceName[];
  const production = productionLaunch();
  const env = { PORT: String(await freePort()), ...production.env };
  const services = createServiceSet(env, path.join(os.tmpdir(), `audit-memory-${process.pid}`), [], production.launch);
  try {
    for (const name of names) await services.start(name);
    const pids = Object.fromEntries(names.map((name) => [name, services.pid(name) as number]));
    const settleMs = Number(process.env.SETTLE_MS ?? 30_000);
    const { rss, anon } = await memoryAtRest(pids, { settleMs, samples: 10, intervalMs: 1000 });
    const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
    const mib = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(1).padStart(7)} MiB`;
    console.log(`${'process'.padEnd(16)} ${'RSS'.padStart(11)} ${'anon'.padStart(11)}  node flags`);
    for (const name of names) console.log(`${name.padEnd(16)} ${mib(rss[name])} ${mib(anon[name])}  ${production.launch.flags?.[name]?.join(' ')}`);
    const total = sum(rss);
    console.log(`${'all'.padEnd(16)} ${mib(total)} ${mib(sum(anon))}  (goal ≤ ${GOAL_MB} MB = ${((GOAL_MB * 1e6) / 2 ** 20).toFixed(1)} MiB of RSS; ${settleMs / 1000} s idle, median of 10 readings 1 s apart)`);
    console.log(`anon: RSS less file-backed pages (the node binary's code, shared by every node process on the machine).`);
  } finally {
    await services.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
