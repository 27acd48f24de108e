import type { BenchContext } from '../lib/context';
import { waitForDrain } from '../lib/drain';
import { seedTenant } from '../lib/seed';

const DAY = 86_400_000;

export interface Corpus {
  tenantId: string;
  events: number;
  startMs: number;
  endMs: number;
}

let corpus: Promise<Corpus> | undefined;

/** One tenant with `scale.corpus` events over the last 30 days in PostgreSQL and OpenSearch, seeded once per run. */
export function readCorpus(ctx: BenchContext): Promise<Corpus> {
  corpus ??= (async () => {
    const tenantId = await ctx.newTenant('corpus');
    const endMs = Date.now() - 60_000;
    const startMs = endMs - 30 * DAY;
    console.log(`    seeding ${ctx.scale.corpus} events into the corpus tenant`);
    await seedTenant(ctx.seedDeps, tenantId, ctx.scale.corpus, { seed: 42, startMs, endMs, search: true });
    return { tenantId, events: ctx.scale.corpus, startMs, endMs };
  })();
  return corpus;
}

/**
 * The events the corpus tenant holds now, counted in PostgreSQL once the pipeline has drained:
 * scenarios run before may have added some to the seeded ones (an auditor's searches are recorded
 * as events of the tenant), and a figure checked against the seeded count would be refused.
 */
export async function storedCorpusEvents(ctx: BenchContext, corpus: Corpus): Promise<number> {
  await waitForDrain(ctx);
  const stored = await ctx.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM logs WHERE tenant_id = $1', [corpus.tenantId]);
  return Number(stored.rows[0]?.n ?? 0);
}
