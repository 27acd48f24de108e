import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout. Authorization headers and tokens are redacted wherever they appear. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["sec-websocket-protocol"]', 'token', '*.token', 'access_token'],
      censor: '[redacted]',
    },
  });
}
