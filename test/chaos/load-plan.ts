import type { SeededRandom } from './seeded-random';

export interface ChaosEvent extends Record<string, unknown> {
  event_id: string;
}

/** One HTTP request of the load: a single event to `POST /logs`, or several to `POST /logs/bulk`. */
export interface PlannedRequest {
  tenantId: string;
  kind: 'single' | 'bulk';
  events: ChaosEvent[];
}

export interface LoadPlanOptions {
  events: number;
  tenantIds: readonly string[];
  /**
   * The share of EVENTS (not of requests) that travel in bulk requests: with 0.1 and 100,000
   * events, 10,000 events go in bulk requests and 90,000 as single `POST /logs` requests.
   */
  bulkShare: number;
  /** Bulk request sizes are drawn uniformly from this range (the last one takes what is left). */
  bulkSize: { min: number; max: number };
  /** Makes every event_id unique to this run. */
  runTag: string;
  random: SeededRandom;
}

const ACTIONS = ['user.login', 'document.update', 'document.delete', 'key.rotate', 'VIEW'];
const SEVERITIES = ['info', 'warning', 'error', 'critical'];

function chaosEvent(seq: number, runTag: string, random: SeededRandom): ChaosEvent {
  return {
    event_id: `${runTag}-${seq}`,
    action: random.pick(ACTIONS),
    severity: random.pick(SEVERITIES),
    user_id: `chaos-user-${random.int(1, 50)}`,
    resource: 'chaos-document',
    resource_id: `doc-${random.int(1, 1000)}`,
    message: `chaos soak event ${seq}`,
    metadata: { seq, run: runTag },
  };
}

/** Every event of the run exactly once, grouped into requests in a seeded random order and tenant. */
export function planLoad(options: LoadPlanOptions): PlannedRequest[] {
  const { events, tenantIds, bulkShare, bulkSize, runTag, random } = options;
  if (tenantIds.length === 0) throw new Error('the load needs at least one tenant');
  const bulkEvents = Math.round(events * bulkShare);
  const sizes: number[] = [];
  for (let left = bulkEvents; left > 0; ) {
    const size = Math.min(left, random.int(bulkSize.min, bulkSize.max));
    sizes.push(size);
    left -= size;
  }
  const shapes = random.shuffle([...sizes.map((size) => ({ kind: 'bulk' as const, size })), ...Array.from({ length: events - bulkEvents }, () => ({ kind: 'single' as const, size: 1 }))]);
  let seq = 0;
  return shapes.map(({ kind, size }) => ({
    tenantId: random.pick(tenantIds),
    kind,
    events: Array.from({ length: size }, () => chaosEvent(++seq, runTag, random)),
  }));
}
