import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API process's Prometheus metrics. One registry per composed API (not prom-client's global
 * one), so several API instances in one process — as in tests — never collide.
 */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'audit_api_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'audit_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route template (never the raw path) and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    ingestEvents: new Counter({
      name: 'audit_ingest_events_total',
      help: 'Events submitted for ingest, by outcome: accepted (stored) or duplicate (repeated event_id, nothing written).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    ingestRejected: new Counter({
      name: 'audit_ingest_rejected_requests_total',
      help: 'Ingest requests refused, by route and status (400 malformed, 409 event_id conflict, 413, 415, 422 invalid, 429).',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'audit_rate_limited_requests_total',
      help: 'Requests answered 429 because their tenant (or admin) exhausted its rate limit.',
      registers: [registry],
    }),
    rateLimitStoreFailures: new Counter({
      name: 'audit_rate_limit_store_failures_total',
      help: 'Rate-limit decisions made by the per-replica fallback because Redis did not answer.',
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
