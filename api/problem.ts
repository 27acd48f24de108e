import type { FieldError } from '../platform/validation/field-error';

export interface ProblemInit {
  status: number;
  title: string;
  detail?: string;
  type?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extension members of this problem type (RFC 9457 §3.2), e.g. the `task_id` a conflict names. */
  members?: Record<string, unknown>;
}

/** An error a client caused or may act on; the error middleware renders it as RFC 9457 problem+json. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly members: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type ?? `https://audit-log.dev/problems/${init.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.members = init.members ?? {};
  }
}

export const problems = {
  badRequest: (detail: string, errors?: FieldError[]) => new ProblemError({ status: 400, title: 'Bad Request', detail, errors }),
  unauthorized: (detail: string) =>
    new ProblemError({ status: 401, title: 'Unauthorized', detail, headers: { 'WWW-Authenticate': 'Bearer' } }),
  forbidden: (detail: string) => new ProblemError({ status: 403, title: 'Forbidden', detail }),
  notFound: (detail = 'The requested resource does not exist.') => new ProblemError({ status: 404, title: 'Not Found', detail }),
  methodNotAllowed: (allowed: string) =>
    new ProblemError({ status: 405, title: 'Method Not Allowed', detail: `Allowed methods: ${allowed}.`, headers: { Allow: allowed } }),
  conflict: (detail: string, members?: Record<string, unknown>) => new ProblemError({ status: 409, title: 'Conflict', detail, members }),
  payloadTooLarge: (limitBytes: number) =>
    new ProblemError({ status: 413, title: 'Payload Too Large', detail: `The request body exceeds ${limitBytes} bytes.` }),
  unsupportedMediaType: (detail: string) => new ProblemError({ status: 415, title: 'Unsupported Media Type', detail }),
  validationFailed: (errors: FieldError[]) =>
    new ProblemError({ status: 422, title: 'Unprocessable Content', detail: `${errors.length} field(s) failed validation.`, errors }),
  serviceUnavailable: (detail: string) =>
    new ProblemError({ status: 503, title: 'Service Unavailable', detail, headers: { 'Retry-After': '5' } }),
};
