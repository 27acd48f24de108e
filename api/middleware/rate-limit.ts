import type { Context, Middleware } from 'koa';
import type { RateLimitDecision, RateLimitPolicy, RequestRateLimiter } from '../../adapters/redis/tenant-rate-limiter';
import { ProblemError } from '../problem';
import type { TenantDirectory } from '../tenant-directory';

export interface RateLimitDeps {
  limiter: RequestRateLimiter;
  tenants: TenantDirectory;
  defaults: RateLimitPolicy;
  onLimited?: (ctx: Context) => void;
}

function setHeaders(ctx: Context, decision: RateLimitDecision): void {
  ctx.set('RateLimit-Limit', String(decision.limit));
  ctx.set('RateLimit-Remaining', String(decision.remaining));
  ctx.set('RateLimit-Reset', String(decision.resetSeconds));
}

/**
 * Per-tenant limits after authentication, with the IETF RateLimit-* headers on every response
 * (also on errors the handler throws). A tenant token spends its tenant's budget, shared by all of
 * that tenant's callers; a platform admin has a budget of its own (per subject, default policy), so
 * operators are never starved by the tenant they are investigating.
 */
export function rateLimit(deps: RateLimitDeps): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal;
    if (!principal) return next();
    const tenantId = principal.tokenTenantId;
    const key = tenantId ? `tenant:${tenantId}` : `admin:${principal.sub}`;
    const policy = (tenantId && (await deps.tenants.rateLimitOf(tenantId))) || deps.defaults;
    const decision = await deps.limiter.consume(key, policy);
    setHeaders(ctx, decision);
    if (!decision.allowed) {
      deps.onLimited?.(ctx);
      throw new ProblemError({
        status: 429,
        title: 'Too Many Requests',
        detail: `The rate limit of ${policy.perSecond} requests per second (bursts up to ${policy.burst}) is exhausted; retry after ${decision.retryAfterSeconds} s.`,
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    await next();
  };
}
