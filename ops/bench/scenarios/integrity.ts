import { performance } from 'node:perf_hooks';
import { eventLeafHash } from '../../../domain/integrity/event-leaf';
import { verifyInclusion } from '../../../domain/integrity/merkle-proofs';
import { createLogSealer } from '../../../features/integrity/log-sealer';
import type { BenchContext } from '../lib/context';
import { figure } from '../lib/figures';
import { rawHashing, sealedCount, sealEverything, seedSealable, verifyEverything } from '../lib/integrity';
import { runLoad } from '../lib/load';
import { summarizeLatencies } from '../lib/statistics';
import { waitForDrain } from '../lib/drain';
import { eachRun, round, type Scenario } from './scenario';

const TENANTS = 4;
const noCheckpointObjects = { put: async () => undefined };

interface ProofAnswer {
  event: { seq: number | null };
  inclusion: { leaf_index: number; tree_size: number; hashes: string[] };
  checkpoint: { root_hash: string };
}

/** Waits until PostgreSQL holds `expected` leaves over these tenants (or the timeout); returns how many it holds. */
async function sealedAcross(ctx: BenchContext, tenants: readonly string[], expected: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let sealed = await sealedCount(ctx.ownerPool, tenants);
  while (sealed < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    sealed = await sealedCount(ctx.ownerPool, tenants);
  }
  return sealed;
}

/** p99 of received_at (the API's clock as it answered 201) → sealed_at (the sealer's commit), in ms. */
async function sealLagP99(ctx: BenchContext, tenants: readonly string[]): Promise<number> {
  const { rows } = await ctx.ownerPool.query<{ p99: number }>(
    `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM i.sealed_at - l.received_at) * 1000) AS p99
       FROM integrity_leaves i JOIN logs l ON l.tenant_id = i.tenant_id AND l.id = i.log_id
      WHERE i.tenant_id = ANY($1::uuid[])`,
    [tenants],
  );
  return Number(rows[0]?.p99);
}

async function getJson<T>(ctx: BenchContext, path: string, token: string): Promise<{ ms: number; body: T }> {
  const at = performance.now();
  const response = await fetch(`${ctx.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as T;
  const ms = performance.now() - at;
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return { ms, body };
}

/**
 * Issue 12's figures. Under the bulk-ingest load: seal lag p99 and ingest with sealing on against
 * the same load with the task bridge restarted with INTEGRITY_SEALING=false. The sealer's own
 * throughput against JCS + SHA-256 + Merkle of the same rows in one process. On one large tenant:
 * verify throughput and GET /logs/{id}/proof latency against GET /logs/{id} of the same events.
 */
export const integrity: Scenario = {
  id: '11',
  title: 'Tamper evidence: seal lag and cost to ingest, sealing and verify throughput, proof latency',
  async run(ctx) {
    await ctx.requireEndpoint('get', '/api/v1/logs/{id}/proof');
    const { bulk, integrity: sizes } = ctx.scale;
    const notes: string[] = [];
    const lag = { sealed: [] as number[], answered: [] as number[] };
    const ingest = { on: [] as number[], off: [] as number[] };
    const sealing = { service: [] as number[], raw: [] as number[] };
    const tenantsFor = (label: string) => Promise.all(Array.from({ length: TENANTS }, () => ctx.newTenant(label)));
    const load = (run: number, tenants: string[]) => ({ ...bulk, seed: run * 1000, url: ctx.apiUrl, tokens: tenants.map((t) => ctx.token('user', t)) });

    await eachRun(ctx, async (run) => {
      const tenants = await tenantsFor('seal-on');
      const result = await runLoad('bulkHttp', load(run, tenants));
      ingest.on.push(result.unitsPerSecond);
      const sealed = await sealedAcross(ctx, tenants, result.units, bulk.searchableTimeoutMs);
      if (sealed < result.units) notes.push(`run ${run}: only ${sealed} of ${result.units} events sealed after ${bulk.searchableTimeoutMs / 1000} s`);
      lag.sealed.push(await sealLagP99(ctx, tenants));
      lag.answered.push(result.latency.p99);
      notes.push(`run ${run}, sealing on: ${result.units} events in ${result.requests} requests (${result.failures} failed), ${sealed} sealed (counted in integrity_leaves)`);
    });

    console.log('    with sealing off');
    await ctx.services.stop('task-bridge');
    await ctx.services.start('task-bridge', undefined, { INTEGRITY_SEALING: 'false' });
    const offTenants: string[] = [];
    try {
      await eachRun(ctx, async (run) => {
        const tenants = await tenantsFor('seal-off');
        offTenants.push(...tenants);
        const result = await runLoad('bulkHttp', load(run, tenants));
        ingest.off.push(result.unitsPerSecond);
        notes.push(`run ${run}, sealing off: ${result.units} events, ${await sealedCount(ctx.ownerPool, tenants)} sealed (must be 0)`);
      });
      // Every message of those runs taken by the bridge that does not seal: one restarted with sealing
      // on would otherwise ask to seal their hundreds of thousands of events while the figures below run.
      await waitForDrain(ctx, { tenantIds: offTenants, before: 'sealing off, before the bridge seals again' });
    } finally {
      await ctx.services.stop('task-bridge');
      await ctx.services.start('task-bridge');
    }

    const sealer = createLogSealer({ pool: ctx.appPool, origin: ctx.config.integrity.origin, keys: ctx.config.integrity.keys, checkpoints: noCheckpointObjects });
    const anchorWays = new Set<string>();
    await eachRun(ctx, async () => {
      const tenantId = await ctx.newTenant('seal-throughput');
      const ids = await seedSealable(ctx.appPool, tenantId, sizes.sealEvents);
      const seal = await sealEverything(sealer, tenantId);
      const raw = await rawHashing(ctx.appPool, tenantId, ids);
      const inPostgres = await sealedCount(ctx.ownerPool, [tenantId]);
      if (inPostgres !== ids.length || raw.hashes !== ids.length) throw new Error(`sealing ${ids.length} events left ${inPostgres} leaves; the anchor hashed ${raw.hashes}`);
      if (!seal.root.equals(raw.root)) throw new Error("the sealed tree's checkpoint root is not the root the anchor computed from the same rows");
      anchorWays.add(raw.way);
      sealing.service.push(inPostgres / seal.seconds);
      sealing.raw.push(raw.hashes / raw.seconds);
    });

    console.log(`    a tenant of ${sizes.largeTenant} sealed events`);
    const large = await ctx.newTenant('seal-large');
    const ids = await seedSealable(ctx.appPool, large, sizes.largeTenant);
    const sealedLarge = await sealEverything(sealer, large);
    const rawLarge = await rawHashing(ctx.appPool, large, ids);
    const verify = { service: [] as number[], raw: [rawLarge.hashes / rawLarge.seconds] };
    const proof = { service: [] as number[], anchor: [] as number[] };
    // An admin, not an auditor: an auditor's reads are recorded as events of the tenant, which the next run's verify would count.
    const reader = ctx.token('admin', large);
    await eachRun(ctx, async () => {
      const checked = await verifyEverything(ctx.appPool, ctx.config.integrity.keys.verifying, large);
      if (checked.checked !== ids.length || checked.problems > 0) throw new Error(`verify checked ${checked.checked} of ${ids.length} events, ${checked.problems} problems`);
      verify.service.push(checked.checked / checked.seconds);
      const proofMs: number[] = [];
      const getMs: number[] = [];
      for (let sample = 0; sample < sizes.proofSamples; sample += 1) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string;
        const answer = await getJson<ProofAnswer>(ctx, `/api/v1/logs/${id}/proof`, reader);
        const { event, inclusion, checkpoint } = answer.body;
        const leaf = eventLeafHash(event);
        if (!verifyInclusion(leaf, inclusion.leaf_index, inclusion.tree_size, inclusion.hashes.map((h) => Buffer.from(h, 'base64')), Buffer.from(checkpoint.root_hash, 'base64'))) {
          throw new Error(`the proof of ${id} does not verify`);
        }
        proofMs.push(answer.ms);
        getMs.push((await getJson<unknown>(ctx, `/api/v1/logs/${id}`, reader)).ms);
      }
      proof.service.push(summarizeLatencies(proofMs).p95);
      proof.anchor.push(summarizeLatencies(getMs).p95);
    });

    notes.push(
      `${bulk.concurrency} concurrent clients, ${bulk.eventsPerBody}-event bodies, ${bulk.durationMs / 1000} s per run, ${TENANTS} tenants per run. Seal lag: received_at (set as the API takes the request) → sealed_at of the leaf, p99 over every event of the run, read from PostgreSQL once all were sealed.`,
      'Sealing off: the task bridge restarted with INTEGRITY_SEALING=false, so no tenant sealer runs; everything else (index runs, search) is the same.',
      `Sealing throughput: ${sizes.sealEvents} events written as ingest would (rows + reindex tasks), sealed by the sealer's steps in this process against the worker-less PostgreSQL transactions; the anchor reads the same rows beforehand and computes JCS + SHA-256 leaves and the Merkle root, from the events' objects and from the column texts, the faster standing (${[...anchorWays].join(', ') || 'none'} in these runs). Every run checks integrity_leaves holds every event, the anchor hashed as many, and the sealed checkpoint's root is the anchor's.`,
      `Large tenant: ${sizes.largeTenant} events sealed in ${round(sealedLarge.seconds)} s (${Math.round(sealedLarge.sealed / sealedLarge.seconds)}/s). Verify recomputes every leaf from the rows and the tree, and checks every checkpoint; its anchor is raw hashing of the same rows. Proofs: ${sizes.proofSamples} random events per run over HTTP, each verified (leaf recomputed from the returned event, path to the checkpoint's root); anchor GET /logs/{id} of the same events.`,
    );
    return {
      figures: [
        figure('seal lag p99 (201 → sealed)', 'ms', false, lag.sealed, 'bulk request p99 (201 itself)', lag.answered, { text: '≤ 5 s (within seconds)', check: (s) => s <= 5000 }),
        figure('bulk ingest, sealing on', 'events/s', true, ingest.on, 'the same load, sealing off', ingest.off, { text: '≥ 0.9× anchor', check: (s, a) => s >= 0.9 * a }),
        figure('sealing', 'events/s', true, sealing.service, 'JCS + SHA-256 + Merkle of the same rows, one process', sealing.raw, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a }),
        figure(`verify (${sizes.largeTenant} events)`, 'events/s', true, verify.service, 'JCS + SHA-256 + Merkle of the same rows, one process', verify.raw),
        figure(`proof p95 (${sizes.largeTenant} leaves)`, 'ms', false, proof.service, 'GET /logs/{id} p95, same events', proof.anchor, { text: '≤ 20 ms', check: (s) => s <= 20 }),
      ],
      notes,
    };
  },
};
