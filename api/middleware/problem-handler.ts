import type { Context, Middleware } from 'koa';
import { domainProblem } from '../domain-problems';
import { ProblemError, problems } from '../problem';
import { isDependencyUnavailable, unavailableDetail } from '../dependency-errors';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 501: 'Not Implemented', 503: 'Service Unavailable',
};

function toProblem(error: unknown): ProblemError | undefined {
  const known = domainProblem(error);
  if (known) return known;
  if (isDependencyUnavailable(error)) return problems.serviceUnavailable(unavailableDetail(error));
  const http = error as HttpLikeError;
  const status = http?.status ?? http?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && http.expose !== false) {
    if (status === 401) return problems.unauthorized(http.message || 'A valid bearer token is required.');
    return new ProblemError({ status, title: TITLES[status] ?? 'Client Error', detail: http.message, headers: http.headers });
  }
  return undefined;
}

function render(ctx: Context, problem: ProblemError): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
  ctx.type = 'application/problem+json';
  ctx.body = {
    ...problem.members,
    type: problem.type,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    request_id: ctx.state.requestId as string,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

/** First in the chain: known errors become problem+json; anything else is a 500 that leaks nothing. */
export function problemHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) render(ctx, problems.notFound(`No route for ${ctx.method} ${ctx.path}.`));
    } catch (error) {
      const problem = toProblem(error);
      if (problem) {
        render(ctx, problem);
        if (problem.status >= 500) ctx.app.emit('error', error, ctx);
        return;
      }
      render(ctx, new ProblemError({ status: 500, title: 'Internal Server Error', detail: 'An unexpected error occurred; it has been logged with this request id.' }));
      ctx.app.emit('error', error, ctx);
    }
  };
}
