import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../platform/validation/json-depth';
import { problems } from '../problem';

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Reads a JSON body of at most `limitBytes` into ctx.request.body: 415 for another content type,
 * 413 past the limit (counted while reading, so an oversized body is never held in memory), 400 if malformed
 * or nested more than MAX_JSON_DEPTH levels.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    if (!isJson(ctx.get('Content-Type'))) throw problems.unsupportedMediaType('Send the body as application/json.');
    const encoding = ctx.get('Content-Encoding').toLowerCase();
    if (encoding && encoding !== 'identity') throw problems.unsupportedMediaType(`Content-Encoding ${encoding} is not accepted.`);
    const declared = Number(ctx.get('Content-Length') || NaN);
    if (declared > limitBytes) throw problems.payloadTooLarge(limitBytes);
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8', length: Number.isNaN(declared) ? undefined : declared });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') throw problems.payloadTooLarge(limitBytes);
      throw problems.badRequest('The request body could not be read.');
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      throw problems.badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
    }
    // Validation and storage walk the body recursively: a pathologically deep one is refused first.
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) throw problems.badRequest(`The request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`);
    ctx.request.body = body;
    await next();
  };
}
