import { performance } from 'node:perf_hooks';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { verifyInclusion } from '../../domain/integrity/merkle-proofs';
import { signToken } from '../../platform/auth/sign-token';
import { loadConfig } from '../../platform/config/config';

/**
 * GET /logs/{id}/proof (and GET /logs/{id}) latency over HTTP on the largest sealed tenant of a
 * sandbox, e.g. after `ops/bench/integrity.ts 1000000 0` sealed a 1,000,000-event tenant there,
 * against an API started on PORT of the same sandbox (rate limits raised):
 *   SERVICE_SANDBOX=x PORT=38917 RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=100000 bash ops/stack/with-env.sh test node --import tsx api/server.ts
 *   SERVICE_SANDBOX=x PORT=38917 bash ops/stack/with-env.sh test npx tsx ops/bench/proof-http-1m.ts
 * Two passes of 300 random sealed events, as a tenant admin (an auditor's reads add events), every proof verified.
 */
const config = loadConfig();
const owner = createPgPool(process.env.DATABASE_OWNER_URL as string, 2, 'proof-http');
const api = `http://127.0.0.1:${process.env.PORT}`;
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] as number;
async function main() {
  const { rows: tenants } = await owner.query<{ tenant_id: string; n: string }>('SELECT tenant_id, max(seq) AS n FROM integrity_leaves GROUP BY 1 ORDER BY 2 DESC LIMIT 1');
  const big = tenants[0];
  if (!big) throw new Error('no sealed tenant in this sandbox');
  const tenantId = big.tenant_id;
  // Every 1,000th leaf: events spread over the whole tree.
  const { rows } = await owner.query<{ log_id: string }>('SELECT log_id FROM integrity_leaves WHERE tenant_id = $1 AND seq % 1000 = 7', [tenantId]);
  const token = signToken(config.jwt, { sub: 'bench-admin', role: 'admin', tenantId, ttlSeconds: 3600 }).token;
  const headers = { authorization: `Bearer ${token}` };
  for (const pass of [1, 2]) {
    const proof: number[] = [];
    const get: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const id = (rows[Math.floor(Math.random() * rows.length)] as { log_id: string }).log_id;
      let at = performance.now();
      const response = await fetch(`${api}/api/v1/logs/${id}/proof`, { headers });
      const body = (await response.json()) as { event: { seq: number }; inclusion: { leaf_index: number; tree_size: number; hashes: string[] }; checkpoint: { root_hash: string } };
      proof.push(performance.now() - at);
      if (response.status !== 200) throw new Error(`proof answered ${response.status}: ${JSON.stringify(body)}`);
      if (!verifyInclusion(eventLeafHash(body.event), body.inclusion.leaf_index, body.inclusion.tree_size, body.inclusion.hashes.map((h) => Buffer.from(h, 'base64')), Buffer.from(body.checkpoint.root_hash, 'base64'))) throw new Error(`proof of ${id} does not verify`);
      at = performance.now();
      await (await fetch(`${api}/api/v1/logs/${id}`, { headers })).json();
      get.push(performance.now() - at);
    }
    console.log(`pass ${pass}: tree of ${big.n} leaves, 300 proofs over HTTP (all verified): p50 ${pct(proof, 50).toFixed(1)} ms, p95 ${pct(proof, 95).toFixed(1)} ms; GET /logs/{id} p50 ${pct(get, 50).toFixed(1)}, p95 ${pct(get, 95).toFixed(1)} ms`);
  }
  await owner.end();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
