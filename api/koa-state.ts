import type { Principal } from '../domain/auth';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    /** Set by `authenticate` from the verified token only. */
    principal?: Principal;
    /**
     * The tenant the request acts on, for logs and limits: the token's (verified to exist), or the
     * `tenant_id` an admin named (route handlers still resolve it with resolveTenant).
     */
    tenantId?: string;
  }
  interface Request {
    body?: unknown;
  }
}
