import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { Type } from '@sinclair/typebox';
import type { Config } from '../../config/config';
import { ROLES, type Role } from '../../domain/auth';
import { compileBody } from '../../validation/ajv';
import { problems } from '../problem';

const ClaimsSchema = Type.Object(
  {
    sub: Type.String({ minLength: 1, maxLength: 256 }),
    role: Type.Union(ROLES.map((role) => Type.Literal(role))),
    tenant_id: Type.Optional(Type.String({ format: 'uuid' })),
    exp: Type.Number(),
  },
  { additionalProperties: true },
);
const validateClaims = compileBody(ClaimsSchema);

/**
 * Verifies the bearer token with the one configured algorithm (no `none`, no switching), requires
 * `exp`, checks `iss`/`aud` when configured, and sets ctx.state.principal from the claims alone.
 */
export function authenticate(jwt: Config['jwt']): Middleware {
  const verify = koaJwt({
    secret: jwt.verifyKey,
    algorithms: [jwt.algorithm],
    key: 'user',
    debug: true,
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  });
  const checkClaims: Middleware = async (ctx, next) => {
    const claims = validateClaims(ctx.state.user);
    if (!claims.ok) {
      throw problems.unauthorized(`The token's claims are invalid: ${claims.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}.`);
    }
    const { sub, role, tenant_id: tenantId } = claims.value;
    if (role !== 'admin' && !tenantId) throw problems.unauthorized(`A ${role} token must carry tenant_id.`);
    ctx.state.principal = { sub, role: role as Role, tokenTenantId: tenantId };
    await next();
  };
  return async (ctx, next) => verify(ctx, () => checkClaims(ctx, next));
}

/** 403 unless the caller's role is one of `roles`. */
export function allowRoles(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const role = ctx.state.principal?.role;
    if (!role || !roles.includes(role)) throw problems.forbidden(`This operation needs one of the roles: ${roles.join(', ')}.`);
    await next();
  };
}
