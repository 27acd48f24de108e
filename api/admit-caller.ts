import { domainProblem } from './domain-problems';
import type { Principal } from '../domain/auth';
import { AccessRevokedError } from '../features/tenancy/access-revocations';

/** What the edge asks after a token verified: all from memory, no I/O on the request path. */
export interface CallerAccess {
  /** Throws if the token was revoked or its tenant is suspended. */
  admit(principal: Principal): void;
  /** Told of each admitted caller, for the token's coarse last-use time. */
  noteUse(principal: Principal): void;
  /** Called whenever access may have been taken away (a revocation or suspension). */
  onRevoked(listener: () => void): void;
}

/** Whether a caller admitted earlier (e.g. an open live-tail socket) is still admitted. */
export function stillAdmitted(access: CallerAccess, principal: Principal): boolean {
  try {
    access.admit(principal);
    return true;
  } catch (error) {
    if (error instanceof AccessRevokedError) return false;
    throw error;
  }
}

/** The one decision for the HTTP edge and the live-tail upgrade alike: 401 for a revoked or suspended caller. */
export function admitOrRefuse(access: CallerAccess, principal: Principal): void {
  try {
    access.admit(principal);
  } catch (error) {
    throw domainProblem(error) ?? error;
  }
  access.noteUse(principal);
}
