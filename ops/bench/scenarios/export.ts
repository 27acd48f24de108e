import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createProofs, honestFigure } from '../lib/honesty';
import { runLoad } from '../lib/load';
import { measureGrowth } from '../lib/memory-sampler';
import { readCorpus, storedCorpusEvents } from './corpus';
import { eachRun, round, type Scenario } from './scenario';

const MIB = 2 ** 20;
const MEMORY_BUDGET_MIB = 64;

/** GET /logs/export as NDJSON and CSV against PostgreSQL COPY TO, with the API's memory growth. */
export const exportLogs: Scenario = {
  id: '5',
  title: 'Export NDJSON and CSV',
  async run(ctx) {
    await ctx.requireEndpoint('get', '/api/v1/logs/export');
    const corpus = await readCorpus(ctx);
    // A tenant admin: an auditor's every export is recorded as an event of the tenant, so each run
    // would export one row more than the corpus holds and the exact row check would refuse it.
    const token = ctx.token('admin', corpus.tenantId);
    const apiPid = ctx.services.pid('api');
    if (!apiPid) throw new Error('the API process is not running');
    const rate = { ndjson: [] as number[], csv: [] as number[], copy: [] as number[] };
    const proofs = { ndjson: createProofs(), csv: createProofs(), copy: createProofs() };
    const growth = { ndjson: [] as number[], csv: [] as number[] };
    const notes: string[] = [];
    const rows = await storedCorpusEvents(ctx, corpus);
    await eachRun(ctx, async (run) => {
      for (const format of ['ndjson', 'csv'] as const) {
        const { result, growthBytes } = await measureGrowth(apiPid, () => runLoad('exportHttp', { url: ctx.apiUrl, token, format }));
        rate[format].push((result.rows / result.elapsedMs) * 1000);
        growth[format].push(growthBytes / MIB);
        proofs[format].check(`run ${run}, ${format} export`, 'rows streamed', rows, result.rows);
        if (run === 1) notes.push(`${format}: ${round(result.bytes / MIB)} MiB for ${result.rows} rows`);
      }
      await waitForDrain(ctx, { proofs: proofs.copy, before: `run ${run}, COPY TO` });
      const copy = await runLoad('exportCopy', { tenantId: corpus.tenantId, gzip: false });
      proofs.copy.check(`run ${run}, COPY TO`, 'rows copied', rows, copy.rows);
      rate.copy.push((copy.rows / copy.elapsedMs) * 1000);
    });
    notes.push(
      `${rows.toLocaleString('en-US')} events of one tenant, counted in PostgreSQL before the runs (npm run bench:export-job-memory measures 1M rows' memory).`,
      'COPY TO runs the export\'s own SELECT (same columns, same order) as the app role in the tenant\'s transaction, uncompressed like the API\'s response; each side must stream every row the tenant holds or its figure is refused. Memory growth is the API process\'s peak RSS during the download minus its RSS just before, sampled every 50 ms.',
    );
    const budget = { text: `≤ ${MEMORY_BUDGET_MIB} MiB`, check: (s: number) => s <= MEMORY_BUDGET_MIB };
    return {
      figures: [
        honestFigure(figure('NDJSON export', 'rows/s', true, rate.ndjson, 'PostgreSQL COPY TO', rate.copy, { text: '≥ 0.7× anchor', check: (s, a) => s >= 0.7 * a }), {
          proofs: [proofs.ndjson, proofs.copy],
        }),
        honestFigure(figure('CSV export', 'rows/s', true, rate.csv, 'PostgreSQL COPY TO', rate.copy, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a }), {
          proofs: [proofs.csv, proofs.copy],
        }),
        figure('API memory growth, NDJSON', 'MiB', false, growth.ndjson, 'budget', [MEMORY_BUDGET_MIB], budget),
        figure('API memory growth, CSV', 'MiB', false, growth.csv, 'budget', [MEMORY_BUDGET_MIB], budget),
      ],
      notes,
    };
  },
};
