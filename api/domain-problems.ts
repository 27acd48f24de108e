import { EventIdConflictError } from '../domain/errors';
import { DuplicateTenantNameError } from '../adapters/postgres/tenants-repository';
import { InvalidCutoffError } from '../features/retention/cutoff-rules';
import { ExportCapacityError } from '../features/export/log-export';
import { ReadNotRecordedError } from '../features/read-audit/read-audit';
import { ExportNotFoundError, ExportNotReadyError } from '../features/export/export-downloads';
import { AccessRevokedError, RevocationsUnknownError } from '../features/tenancy/access-revocations';
import { ConcurrentTenantChangeError, TokenMintingUnavailableError } from '../features/tenancy/tenant-admin';
import { TokenRejectedError, VerificationKeysUnavailableError } from '../platform/auth/token-verifier';
import { ProblemError, problems } from './problem';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Every error a use case or the platform raises for a reason the caller should hear, and the
 * problem it becomes: one table, read by the error middleware and by the live-tail upgrade
 * (which answers before Koa). An error not listed here is a 500 that leaks nothing.
 */
const DOMAIN_PROBLEMS: ReadonlyArray<readonly [ErrorClass, (error: Error) => ProblemError]> = [
  [EventIdConflictError, (error) => problems.conflict(error.message)],
  [DuplicateTenantNameError, () => problems.conflict('A tenant with this name already exists (names are compared without regard to case).')],
  [ConcurrentTenantChangeError, () => problems.conflict('The tenant changed while this request was applied; read it again and retry.')],
  [TokenMintingUnavailableError, () => new ProblemError({ status: 501, title: 'Not Implemented', detail: 'This deployment verifies tokens but cannot mint them; use your identity provider.' })],
  [InvalidCutoffError, (error) => problems.validationFailed([{ path: '/before_date', message: error.message }])],
  [ReadNotRecordedError, () => problems.serviceUnavailable('The read could not be recorded in the audit log, so its result is withheld; retry shortly.')],
  [ExportCapacityError, () => problems.serviceUnavailable('Too many exports are running; retry shortly.')],
  [ExportNotFoundError, (error) => problems.notFound(error.message)],
  [ExportNotReadyError, (error) => problems.conflict(error.message)],
  [TokenRejectedError, (error) => problems.unauthorized(error.message)],
  [VerificationKeysUnavailableError, (error) => problems.serviceUnavailable(error.message)],
  [AccessRevokedError, (error) => problems.unauthorized(error.message)],
  [RevocationsUnknownError, (error) => problems.serviceUnavailable(error.message)],
];

/** The problem a known error becomes, or undefined for an error nobody planned for. */
export function domainProblem(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (!(error instanceof Error)) return undefined;
  const entry = DOMAIN_PROBLEMS.find(([errorClass]) => error instanceof errorClass);
  return entry?.[1](error);
}
