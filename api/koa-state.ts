import type { Principal } from '../domain/auth';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    /** Set by `authenticate` from the verified token only. */
    principal?: Principal;
    /** Raw decoded JWT claims, set by koa-jwt before they are checked. */
    user?: unknown;
  }
  interface Request {
    body?: unknown;
  }
}
