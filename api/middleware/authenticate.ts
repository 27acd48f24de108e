import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import type { TokenVerifier } from '../../platform/auth/token-verifier';
import { domainProblem } from '../domain-problems';
import { tokenErrorDetail } from '../../platform/auth/token-error-detail';
import type { Role } from '../../domain/auth';
import { admitOrRefuse, type CallerAccess } from '../admit-caller';
import { createVerifiedTokenCache } from '../../platform/auth/verified-token-cache';
import { ProblemError, problems } from '../problem';

const CLAIMS_KEY = 'jwtClaims';

function toProblem(error: unknown): unknown {
  if (error instanceof ProblemError) return error;
  const cause = (error as { originalError?: unknown }).originalError ?? error;
  const known = domainProblem(cause);
  if (known) return known;
  const status = (error as { status?: number }).status;
  if (status === 401) {
    const message = (error as Error).message;
    if (/token not found/i.test(message)) return problems.unauthorized('A bearer token is required (Authorization: Bearer <JWT>).');
    if (/bad authorization header format/i.test(message)) return problems.unauthorized('The Authorization header must be "Bearer <JWT>".');
    return problems.unauthorized(tokenErrorDetail(cause));
  }
  return error;
}

/**
 * koa-jwt verifies the bearer token with the one configured algorithm and key (no `none`, no
 * switching between HMAC and RSA; `iss`/`aud` when configured); the verifier then requires `exp`
 * and valid claims, `access` refuses a revoked token or a suspended tenant's, and
 * ctx.state.principal is set from the claims alone. A token verified lately is not verified again
 * (platform/auth/verified-token-cache); `access` is asked on every request.
 */
export function authenticate(verifier: TokenVerifier, access: CallerAccess): Middleware {
  const verifySignature = koaJwt({
    secret: (header: Parameters<TokenVerifier['keyFor']>[0]) => verifier.keyFor(header),
    key: CLAIMS_KEY,
    debug: true,
    ...verifier.verifyOptions,
  } as koaJwt.Options);
  const recent = createVerifiedTokenCache();
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    let verified = false;
    try {
      const known = header ? recent.get(header) : undefined;
      if (known) {
        admitOrRefuse(access, known);
        verified = true;
        ctx.state.principal = known;
      } else {
        await verifySignature(ctx, async () => {
          const { principal, expiresAt } = verifier.principalFrom(ctx.state[CLAIMS_KEY]);
          delete ctx.state[CLAIMS_KEY];
          recent.remember(header, principal, expiresAt);
          admitOrRefuse(access, principal);
          verified = true;
          ctx.state.principal = principal;
        });
      }
    } catch (error) {
      throw toProblem(error);
    }
    if (verified) await next();
  };
}

/** 403 unless the caller's role is one of `roles`. */
export function allowRoles(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const role = ctx.state.principal?.role;
    if (!role || !roles.includes(role)) throw problems.forbidden(`This operation needs one of the roles: ${roles.join(', ')}.`);
    await next();
  };
}

/** 403 unless the caller is a platform admin: role admin and bound to no tenant. */
export function allowPlatformAdmin(): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal;
    if (principal?.role !== 'admin') throw problems.forbidden('This operation needs the admin role.');
    if (principal.tokenTenantId) throw problems.forbidden('This operation needs a platform admin token (one without tenant_id).');
    await next();
  };
}
