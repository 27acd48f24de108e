import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { signToken } from '../../../platform/auth/sign-token';
import type { OpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import type { Config } from '../../../platform/config/config';
import { tenantsRepository } from '../../../adapters/postgres/tenants-repository';
import type { Role } from '../../../domain/auth';
import { EndpointMissingError } from './figures';
import type { Scale } from './scale';
import type { SeedDeps } from './seed';
import type { ServiceSet } from './services';

/** Everything a scenario needs: the running service, direct clients for anchors, and helpers. */
export interface BenchContext {
  mode: 'quick' | 'full';
  scale: Scale;
  config: Config;
  apiUrl: string;
  services: ServiceSet;
  /** The owner role (COPY FROM, cross-tenant reads); the service never uses it. */
  ownerPool: Pool;
  appPool: Pool;
  opensearch: OpenSearchClient;
  index: string;
  seedDeps: SeedDeps;
  newTenant(label: string): Promise<string>;
  /** A token for `role`; a platform admin has no tenant. */
  token(role: Role, tenantId?: string): string;
  /** Throws EndpointMissingError unless the running API documents `method path`. */
  requireEndpoint(method: string, path: string): Promise<void>;
}

export function createContext(fields: Omit<BenchContext, 'newTenant' | 'token' | 'requireEndpoint' | 'seedDeps'>): BenchContext {
  let paths: Record<string, Record<string, unknown>> | undefined;
  return {
    ...fields,
    seedDeps: { ownerPool: fields.ownerPool, opensearch: fields.opensearch, index: fields.index },
    async newTenant(label) {
      const tenant = await tenantsRepository(fields.appPool).create({ id: randomUUID(), name: `bench-${label}-${randomUUID().slice(0, 8)}` });
      return tenant.id;
    },
    token(role, tenantId) {
      return signToken(fields.config.jwt, { sub: `bench-${role}`, role, tenantId, ttlSeconds: 6 * 3600 }).token;
    },
    async requireEndpoint(method, path) {
      if (!paths) {
        const response = await fetch(`${fields.apiUrl}/openapi.json`);
        paths = ((await response.json()) as { paths?: typeof paths }).paths ?? {};
      }
      if (!paths[path]?.[method.toLowerCase()]) throw new EndpointMissingError(`${method.toUpperCase()} ${path} is not served by this build`);
    },
  };
}
