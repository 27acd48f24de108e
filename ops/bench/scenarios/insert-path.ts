import { figure } from '../lib/figures';
import { createProofs, honestFigure } from '../lib/honesty';
import { storedRows } from '../lib/observed';
import { runLoad } from '../lib/load';
import { summarizeRuns } from '../lib/statistics';
import { eachRun, type Scenario } from './scenario';

/**
 * The "measure multi-row INSERT vs COPY, keep the faster" under the app role and RLS:
 * the app's unnest INSERT against COPY into a temp table then INSERT … SELECT, same batches.
 */
export const insertPath: Scenario = {
  id: '1b',
  title: 'Insert path under RLS: unnest INSERT (current) vs COPY into a temp table + INSERT … SELECT',
  async run(ctx) {
    const { bulk } = ctx.scale;
    const unnest: number[] = [];
    const copyTemp: number[] = [];
    const params = { concurrency: bulk.concurrency, durationMs: Math.min(bulk.durationMs, 5_000), eventsPerBody: bulk.eventsPerBody, distinctBodies: bulk.distinctBodies };
    const proofs = createProofs();
    await eachRun(ctx, async (run) => {
      const appUrl = ctx.config.postgres.url;
      for (const [method, rates] of [['unnest-insert', unnest], ['copy-temp-insert-select', copyTemp]] as const) {
        const tenantIds = await Promise.all([ctx.newTenant('insert'), ctx.newTenant('insert')]);
        const result = await runLoad('insertPath', { ...params, seed: run, appUrl, tenantIds, method });
        proofs.check(`run ${run}, ${method}`, 'rows stored of those inserted', result.units, await storedRows(ctx, tenantIds));
        rates.push(result.unitsPerSecond);
      }
    });
    const faster = summarizeRuns(copyTemp).median > summarizeRuns(unnest).median ? 'COPY → temp table' : 'unnest INSERT';
    return {
      figures: [honestFigure(figure('rows inserted, app role under RLS', 'rows/s', true, copyTemp, 'unnest INSERT (the current path)', unnest), { proofs })],
      notes: [
        `${params.concurrency} clients, ${params.eventsPerBody}-row batches, one transaction each (set tenant, insert). Faster in this run: ${faster}.`,
        'The temp table is created once per connection (ON COMMIT DELETE ROWS); the rows are PostgreSQL-bound either way, so the difference is the parse/bind cost of 16 array parameters vs the COPY text stream.',
      ],
    };
  },
};
