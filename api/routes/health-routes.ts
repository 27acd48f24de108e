import Router from '@koa/router';
import { checkReadiness, type DependencyCheck } from '../../observability/readiness';

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
