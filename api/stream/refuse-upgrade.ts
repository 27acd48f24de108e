import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProblemError } from '../problem';

/** Header values must not smuggle a line break into the raw response written below. */
const headerSafe = (value: string) => value.replace(/[\r\n]/g, ' ');

/** A whole HTTP/1.1 problem+json response that closes the connection, for paths without a Koa context. */
export function rawProblemResponse(problem: ProblemError, requestId: string): string {
  const body = JSON.stringify({
    type: problem.type,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    request_id: requestId,
    ...(problem.errors ? { errors: problem.errors } : {}),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/problem+json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    Connection: 'close',
    ...problem.headers,
  };
  const head = [`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? problem.title}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${headerSafe(value)}`);
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Answers an upgrade request that will not be upgraded with a plain HTTP response (there is no Koa
 * context on this path), as RFC 9457 problem+json like every other error, then closes the socket.
 */
export function refuseUpgrade(socket: Duplex, problem: ProblemError, requestId: string): void {
  if (socket.destroyed) return;
  socket.end(rawProblemResponse(problem, requestId));
  socket.once('finish', () => socket.destroy());
}
