import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isDrainingAnsweredBody } from './middleware/drain-unread-body';
import { ProblemError } from './problem';
import { rawProblemResponse } from './stream/refuse-upgrade';

const STATUS_OF: Record<string, { status: number; title: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, title: 'Request Header Fields Too Large', detail: 'The request line and headers exceed the server limit.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', detail: 'The request was not received in time.' },
};
const MALFORMED = { status: 400, title: 'Bad Request', detail: 'The request is not valid HTTP.' };

/**
 * Answers requests Node refuses before Koa sees them (oversized headers, malformed HTTP, timeouts)
 * with problem+json, and closes gently: the client's unread bytes are drained instead of being
 * answered with a TCP reset that would discard the response before the client reads it.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection draining a body it has already answered (a 413) must not get a second answer.
    if (!socket.writable || error.code === 'ECONNRESET' || error.code === 'EPIPE' || isDrainingAnsweredBody(socket)) {
      socket.destroy();
      return;
    }
    const { status, title, detail } = STATUS_OF[error.code ?? ''] ?? MALFORMED;
    socket.resume();
    socket.end(rawProblemResponse(new ProblemError({ status, title, detail }), randomUUID()));
    socket.once('end', () => socket.destroy());
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}
