import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane caller-supplied X-Request-Id, else makes one; every response carries it. */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const supplied = ctx.get('X-Request-Id');
    const id = ACCEPTABLE.test(supplied) ? supplied : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
