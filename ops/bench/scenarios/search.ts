import type { LogFilter } from '../../../domain/log-filter';
import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createProofs, honestFigure } from '../lib/honesty';
import { runLoad } from '../lib/load';
import { summarizeLatencies } from '../lib/statistics';
import { readCorpus, type Corpus } from './corpus';
import { eachRun, round, type Scenario } from './scenario';

const DAY = 86_400_000;

/** Filters + `q`, as a user of the search page would combine them (also the search profile's load). */
export function searchQueries(corpus: Pick<Corpus, 'endMs'>): LogFilter[] {
  const week = new Date(corpus.endMs - 7 * DAY).toISOString();
  return [
    { severity: ['CRITICAL', 'ERROR'], start_time: week, q: 'invoice' },
    { action: 'document.update', q: 'suspicious location' },
    { user_id: 'user-0042@corp.example', q: 'contract' },
    { resource: 'invoice', severity: ['WARNING'], q: '"quarterly report"' },
    { start_time: week, end_time: new Date(corpus.endMs - DAY).toISOString(), q: 'blocked -approved' },
  ];
}

/** The API's query string for a filter (severity as a comma list). */
export function toQueryString(filter: LogFilter, pageSize: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  params.set('page_size', String(pageSize));
  return params.toString();
}

const searchGoal = { text: '≤ 1.2× anchor + 2 ms', check: (s: number, a: number) => s <= 1.2 * a + 2 };

const p95Of = (perQuery: number[][]) => summarizeLatencies(perQuery.flat()).p95;
const median = (samples: number[]) => summarizeLatencies(samples).p50;

/** GET /logs with filters + q against the same query sent straight to OpenSearch; deep cursor pages against page 1. */
export const search: Scenario = {
  id: '4',
  title: 'Search with filters + q, and deep cursor pages',
  async run(ctx) {
    await ctx.requireEndpoint('get', '/api/v1/logs');
    const corpus = await readCorpus(ctx);
    const filters = searchQueries(corpus);
    const { pageSize, repetitions } = ctx.scale.search;
    const token = ctx.token('auditor', corpus.tenantId);
    // The same queries from a role whose reads are not recorded: what the audit of reads costs.
    const userToken = ctx.token('user', corpus.tenantId);
    const unrecorded = { p50: [] as number[], p95: [] as number[] };
    const p50 = { api: [] as number[], raw: [] as number[] };
    const p95 = { api: [] as number[], raw: [] as number[] };
    const pages = { first: [] as number[], deep: [] as number[] };
    const notes: string[] = [];
    const proofs = createProofs();
    await waitForDrain(ctx, { proofs, before: 'search' });
    await eachRun(ctx, async (run) => {
      const api = await runLoad('searchHttp', { url: ctx.apiUrl, token, queries: filters.map((f) => toQueryString(f, pageSize)), repetitions });
      const raw = await runLoad('searchDirect', { tenantId: corpus.tenantId, filters, pageSize, repetitions });
      filters.forEach((_, i) => proofs.check(`run ${run}, query ${i + 1} straight to OpenSearch`, 'hits found of the API\'s', api.totals[i] ?? Number.NaN, raw.totals[i] ?? Number.NaN));
      p50.api.push(median(api.perQuery.flat()));
      p50.raw.push(median(raw.perQuery.flat()));
      p95.api.push(p95Of(api.perQuery));
      p95.raw.push(p95Of(raw.perQuery));
      const user = await runLoad('searchHttp', { url: ctx.apiUrl, token: userToken, queries: filters.map((f) => toQueryString(f, pageSize)), repetitions });
      unrecorded.p50.push(median(user.perQuery.flat()));
      unrecorded.p95.push(p95Of(user.perQuery));
      const walk = await runLoad('cursorWalk', {
        url: ctx.apiUrl,
        token,
        query: `severity=INFO&page_size=${ctx.scale.cursor.pageSize}`,
        pages: ctx.scale.cursor.pages,
        walks: ctx.scale.cursor.walks,
      });
      const deepFrom = Math.floor(walk.perPage.length / 2);
      pages.first.push(median(walk.perPage[0] ?? []));
      pages.deep.push(median(walk.perPage.slice(deepFrom).flat()));
      if (run === 1) {
        notes.push(
          `Per query p50 (API / direct, ms): ${api.perQuery.map((samples, i) => `${round(median(samples))} / ${round(median(raw.perQuery[i] ?? []))}`).join('; ')}`,
          `Cursor walk reached page ${walk.reached} of ${ctx.scale.cursor.pageSize} events (depth ${walk.reached * ctx.scale.cursor.pageSize}); "deep" = pages ${deepFrom + 1}–${walk.perPage.length}.`,
        );
      }
    });
    notes.push(
      `The figures read as an auditor, each read recorded as an audit_log.viewed event (committed before the answer, then indexed and sealed by the pipeline). ` +
        `The same queries as a tenant user, whose reads are not recorded, after the anchor: p50 ${round(median(unrecorded.p50))} ms, p95 ${round(median(unrecorded.p95))} ms (medians of the runs).`,
      `Corpus: ${corpus.events.toLocaleString('en-US')} events of one tenant over 30 days; ${filters.length} queries, ${repetitions} rounds per run after a warm-up round, one at a time, page_size ${pageSize}.`,
      'The anchor sends the very request the service builds (adapters/opensearch/log-search.ts) straight to OpenSearch, so the ratio is the API\'s own cost: HTTP, JWT, tenant lookup, rate limit (Redis), validation, the integrity seq lookup and the record of the read (PostgreSQL), cursor signing. It must find as many hits as the API did, or the figures are refused.',
    );
    return {
      figures: [
        honestFigure(figure('search p50 (filters + q)', 'ms', false, p50.api, 'same query straight to OpenSearch', p50.raw, searchGoal), { proofs }),
        honestFigure(figure('search p95 (filters + q)', 'ms', false, p95.api, 'same query straight to OpenSearch', p95.raw, searchGoal), { proofs }),
        figure('deep cursor page, median', 'ms', false, pages.deep, 'page 1 of the same walk, median', pages.first, { text: '≤ 1.2× page 1', check: (s, a) => s <= 1.2 * a }),
      ],
      notes,
    };
  },
};
