import type { Middleware } from 'koa';
import type { FieldError } from '../../platform/validation/field-error';
import { problems } from '../problem';

function decodes(component: string): boolean {
  try {
    decodeURIComponent(component.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * 400 for a query string that is not valid percent-encoding. Node's parser would otherwise pass
 * the broken escapes on as literal text, so a filter could silently match something else.
 */
export function queryGuard(): Middleware {
  return async (ctx, next) => {
    const errors: FieldError[] = [];
    for (const pair of ctx.querystring.split('&')) {
      if (!pair) continue;
      const [rawName = '', ...rest] = pair.split('=');
      const name = decodes(rawName) ? decodeURIComponent(rawName.replace(/\+/g, ' ')) : undefined;
      if (name === undefined) errors.push({ path: '/', message: 'a parameter name is not valid percent-encoding' });
      else if (!decodes(rest.join('='))) errors.push({ path: `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not valid percent-encoding' });
    }
    if (errors.length > 0) throw problems.badRequest('The query string is malformed.', errors);
    await next();
  };
}
