import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { HttpResponse } from './http-client';
import { expectNoForeignMarkers, IsolationTally } from './isolation-checks';
import type { MatrixTenant, MatrixWorld } from './isolation-world';

export interface MatrixContext {
  world: MatrixWorld;
  tally: IsolationTally;
}

/** One line of the isolation matrix: the served route it covers and how to probe it across tenants. */
export interface MatrixEntry {
  /** `METHOD /path/{param}` exactly as the router serves it (see servedRoutes). */
  route: string;
  kind: string;
  run(ctx: MatrixContext): Promise<void>;
}

export interface CallOptions {
  token?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** Fills the route's `{param}`s and sends the request; every call is counted. */
export async function call(ctx: MatrixContext, route: string, options: CallOptions = {}): Promise<HttpResponse> {
  const [method = 'GET', template = '/'] = route.split(' ');
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? randomUUID()));
  const query = options.query && Object.keys(options.query).length > 0 ? `?${new URLSearchParams(options.query).toString()}` : '';
  ctx.tally.requests += 1;
  return ctx.world.system.api.http.request(method, `${path}${query}`, { token: options.token, body: options.body });
}

/** Every (caller, other) pair of distinct tenants, in both directions. */
export function pairs(world: MatrixWorld): [MatrixTenant, MatrixTenant][] {
  return world.tenants.flatMap((caller) => world.tenants.filter((other) => other !== caller).map((other) => [caller, other] as [MatrixTenant, MatrixTenant]));
}

/** Without a token: 401 problem, naming no tenant's data. */
export async function expectAnonymousRefused(ctx: MatrixContext, route: string, options: CallOptions = {}): Promise<void> {
  const response = await call(ctx, route, options);
  expect(response.status, `${route} without a token: ${response.text}`).to.equal(401);
  expectNoForeignMarkers(ctx.world, undefined, response.text, `${route} without a token`, ctx.tally);
}

/** The first of a tenant's ids of one kind. */
export const first = (ids: Set<string>): string => {
  const [id] = ids;
  if (!id) throw new Error('the tenant owns no such object');
  return id;
};
