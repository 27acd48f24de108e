import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { loadConfig } from '../../platform/config/config';
import { oldestAcceptedEventTime } from '../../domain/event-horizon';
import { ensureLogPartitions } from '../../features/log-partitions/ensure-log-partitions';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/** What a request may create at most: the ingest fallback's previous, current and next month (docs/operations.md). */
const MAX_PARTITIONS_PER_REQUEST = 3;
/** 1,000 distinct months need a horizon of more than 83 years. */
const HORIZON_YEARS = 100;
const MONTHS = 1000;
const PER_REQUEST = 100;
/** The flood's bulk requests are small so that it lasts while the neighbour measures. */
const FLOOD_BATCH = 10;
const SAMPLES = 200;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
};

describe('partition flood: a tenant backdating events into 1,000 months creates no partitions', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let api: RunningApi;
  let createdForHorizon: string[] = [];
  let flooder: string;
  let neighbour: string;
  let floodToken: string;
  let neighbourToken: string;

  /** Independent of the service: what the catalog says `logs` has. */
  const partitionCount = async () =>
    (await system.ownerPool.query(`SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'logs'::regclass`)).rows[0].n as number;

  /** Mid-month instants of the MONTHS months before the monthly window (which starts at the previous month). */
  function oldMonths(now: Date): string[] {
    return Array.from({ length: MONTHS }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2 - i, 15, 12)).toISOString());
  }

  async function postSingle(): Promise<number> {
    const started = performance.now();
    const response = await api.http.post('/api/v1/logs', { token: neighbourToken, body: validEvent({ message: 'neighbour' }) });
    const elapsed = performance.now() - started;
    expect(response.status, response.text).to.equal(201);
    return elapsed;
  }

  async function neighbourLatencies(count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i += 1) latencies.push(await postSingle());
    return latencies;
  }

  before(async () => {
    system = await testSystem();
    // A deployment configured for a 100-year horizon: provisioning creates its yearly partitions.
    const config = loadConfig({ ...process.env, EVENT_TIMESTAMP_HORIZON_YEARS: String(HORIZON_YEARS) });
    createdForHorizon = (await ensureLogPartitions(system.ownerPool, { horizonYears: HORIZON_YEARS, monthsAhead: config.events.partitionMonthsAhead })).created;
    api = await startApi(config, system.logger);
    flooder = await createTenant(system);
    // The neighbour's own rate limit is out of the way: it measures latency as fast as it can.
    neighbour = (await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `neighbour-${randomUUID()}`, rateLimit: { perSecond: 100_000, burst: 100_000 } })).id;
    floodToken = tokenFor(system, 'user', flooder, 'svc-importer');
    neighbourToken = tokenFor(system, 'user', neighbour, 'svc-neighbour');
  });

  after(async () => {
    await api?.close();
    if (!flooder) return;
    // Back to the shape the default horizon provisions: the partitions this file's horizon added
    // (all before the default horizon) go, with the flood's rows and, once indexed, its documents.
    await waitFor(
      "the flood's reindex tasks to finish",
      async () => (await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND status NOT IN ('succeeded', 'failed')`, [flooder])).rows[0].n === 0,
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    await system.opensearch.deleteByQuery({ index: system.config.opensearch.index, routing: flooder, refresh: true, body: { query: { term: { tenant_id: flooder } } } });
    for (const name of createdForHorizon) await system.ownerPool.query(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`);
  });

  it('refuses events beyond the horizon with 422 naming each field, and writes nothing of the request', async () => {
    const oldest = oldestAcceptedEventTime(new Date(), HORIZON_YEARS);
    const beyond = [new Date(oldest.getTime() - 60_000), new Date('1900-01-15T12:00:00Z'), new Date('1776-07-04T12:00:00Z')];
    const logs = Array.from({ length: PER_REQUEST }, (_, i) => validEvent({ message: 'refused batch', event_timestamp: new Date(Date.UTC(1990, i, 15)).toISOString() }));
    [10, 50, 99].forEach((index, i) => (logs[index] = validEvent({ message: 'refused batch', event_timestamp: beyond[i]?.toISOString() })));
    const bulk = await api.http.post('/api/v1/logs/bulk', { token: floodToken, body: { logs } });
    expect(bulk.status, bulk.text).to.equal(422);
    expect(bulk.body.errors).to.deep.equal([10, 50, 99].map((index) => ({ path: `/logs/${index}/event_timestamp`, message: `must be at most ${HORIZON_YEARS} years in the past` })));

    const single = await api.http.post('/api/v1/logs', { token: floodToken, body: validEvent({ message: 'refused single', event_timestamp: '1900-01-15T12:00:00Z' }) });
    expect(single.status, single.text).to.equal(422);
    expect(single.body.errors).to.deep.equal([{ path: '/event_timestamp', message: `must be at most ${HORIZON_YEARS} years in the past` }]);

    const written = await system.ownerPool.query(`SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND message LIKE 'refused%'`, [flooder]);
    expect(written.rows[0].n).to.equal(0);

    const edge = await api.http.post('/api/v1/logs', { token: floodToken, body: validEvent({ message: 'at the edge', event_timestamp: new Date(oldest.getTime() + 3_600_000).toISOString() }) });
    expect(edge.status, edge.text).to.equal(201);
  });

  it('stores 1,000 events in 1,000 distinct old months with at most the documented constant of new partitions (and prints the neighbour\'s p99 ratio)', async () => {
    await neighbourLatencies(SAMPLES / 5); // warm-up: connections, JIT, the single-event batcher
    const quiet = await neighbourLatencies(SAMPLES);

    const before = await partitionCount();
    const months = oldMonths(new Date());
    const accepted = new Set<string>();
    const during: number[] = [];
    let floodRequests = 0;
    let flooding = true;
    let neighbourStopped = false;
    /** 1,000 months in bulk requests of FLOOD_BATCH; passes repeat (new events, same months) until the neighbour has its samples. */
    async function flood(): Promise<void> {
      try {
        for (let pass = 0; pass === 0 || (during.length < SAMPLES && !neighbourStopped); pass += 1) {
          for (let start = 0; start < MONTHS; start += FLOOD_BATCH) {
            const logs = months.slice(start, start + FLOOD_BATCH).map((at, i) => validEvent({ message: `flood ${pass}/${start + i}`, event_timestamp: at }));
            const response = await api.http.post('/api/v1/logs/bulk', { token: floodToken, body: { logs } });
            expect(response.status, response.text).to.equal(201);
            (response.body.ids as string[]).forEach((id) => accepted.add(id));
            floodRequests += 1;
          }
        }
      } finally {
        flooding = false;
      }
    }
    const flooded = flood();
    try {
      while (flooding) during.push(await postSingle());
    } finally {
      neighbourStopped = true;
      await flooded;
    }
    const after = await partitionCount();

    const stored = await system.ownerPool.query<{ id: string; month: string }>(
      `SELECT id::text, to_char(event_timestamp AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM logs WHERE tenant_id = $1 AND message LIKE 'flood %'`,
      [flooder],
    );
    const storedIds = new Set(stored.rows.map((row) => row.id));
    expect([...accepted].filter((id) => !storedIds.has(id))).to.deep.equal([]);
    expect(storedIds.size).to.equal(accepted.size);
    expect(new Set(stored.rows.map((row) => row.month)).size).to.equal(MONTHS);

    const ratio = percentile(during, 0.99) / percentile(quiet, 0.99);
    console.log(
      `      partition flood: ${floodRequests} bulk requests, ${accepted.size} events in ${MONTHS} distinct months; partitions ${before} -> ${after} (+${after - before}, at most ${MAX_PARTITIONS_PER_REQUEST} allowed)\n` +
        `      neighbour single-POST p99: ${percentile(quiet, 0.99).toFixed(1)} ms without the flood, ${percentile(during, 0.99).toFixed(1)} ms during it: ratio ${ratio.toFixed(2)} ` +
        `(p50 ${percentile(quiet, 0.5).toFixed(1)} -> ${percentile(during, 0.5).toFixed(1)} ms; ${quiet.length} and ${during.length} samples)`,
    );
    expect(after - before).to.be.at.most(MAX_PARTITIONS_PER_REQUEST);
  });
});
