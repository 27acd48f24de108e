import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { checkReadiness, type DependencyCheck } from '../../platform/observability/readiness';
import type { RouteDoc } from '../openapi/route-doc';

/** /healthz says the process is up; /readyz names each dependency and its state (503 if a required one is down). */
export function healthRoutes(checks: readonly DependencyCheck[]): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(checks);
    ctx.status = readiness.status === 'unavailable' ? 503 : 200;
    ctx.body = readiness;
  });
  return router;
}

const DependencyStateSchema = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  required: Type.Boolean(),
  latency_ms: Type.Integer({ minimum: 0 }),
  error: Type.Optional(Type.String()),
});
const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('unavailable')]),
  dependencies: Type.Record(Type.String(), DependencyStateSchema),
});

export const healthRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: { description: 'The process answers.', schema: Type.Object({ status: Type.Literal('ok') }) } },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: "Readiness: each dependency's state",
    description: 'PostgreSQL is required. While Redis, OpenSearch, SQS, S3 or Temporal is down the service is degraded but ready: ingest goes on, and only the parts that need that server answer 503 (search and stats without OpenSearch, the live tail without Redis) or wait (indexing and retention behind the outbox).',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready, or degraded (an optional dependency is down).', schema: ReadinessSchema },
      503: { description: 'A required dependency is down.', schema: ReadinessSchema },
    },
  },
];
