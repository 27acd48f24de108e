import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signToken } from '../../platform/auth/sign-token';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import type { Role } from '../../domain/auth';
import type { TestSystem } from './system';

export async function createTenant(system: TestSystem, name = `tenant-${randomUUID()}`): Promise<string> {
  const tenant = await tenantsRepository(system.appPool).create({ id: randomUUID(), name });
  return tenant.id;
}

export function tokenFor(system: TestSystem, role: Role, tenantId?: string, sub = `test-${role}`): string {
  return signToken(system.config.jwt, { sub, role, tenantId, ttlSeconds: 600 }).token;
}

/**
 * Any claims signed with the service's own key, algorithm, issuer and audience: for tokens
 * signToken will not make (expired, no exp, an unknown role), so each is refused for that reason alone.
 */
export function signClaims(system: TestSystem, claims: Record<string, unknown>, options: jwt.SignOptions = {}): string {
  const { signKey, algorithm, issuer, audience } = system.config.jwt;
  return jwt.sign(claims, signKey as string, { algorithm, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}), ...options });
}

/** A token signed with a key the service does not know. */
export function forgedToken(tenantId: string): string {
  return jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'mallory' }, 'not-the-configured-secret-not-the-configured', {
    algorithm: 'HS256',
    expiresIn: 600,
    ...(process.env.JWT_ISSUER ? { issuer: process.env.JWT_ISSUER } : {}),
    ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
  });
}

export function validEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'user.login',
    severity: 'info',
    user_id: 'alice',
    resource: 'session',
    resource_id: randomUUID(),
    message: 'Alice signed in',
    ip_address: '203.0.113.7',
    metadata: { device: 'laptop', mfa: true },
    ...overrides,
  };
}
