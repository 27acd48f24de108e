import { Pool, types } from 'pg';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../../platform/config/env-schema';

// Keep int8 counts exact but usable: counts never approach 2^53 in one response.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/**
 * Every connection runs with JIT compilation off. PostgreSQL compiles a query's expressions once
 * its estimated cost passes jit_above_cost, which a plain export of 100,000 events does: compiling
 * its row expressions took 1.1 s of a 2.1 s export here (0.9 s without), and no query of this
 * service runs long enough on one expression to win that back.
 *
 * And with a bound on a transaction left idle: a process frozen mid-transaction (stopped, swapped
 * out, its host suspended) otherwise holds its locks until it resumes. Holding the tenant's seal
 * lock, it kept every later seal step of the tenant waiting: the retried attempt on another
 * worker waited for the lock, beating all the while, so nothing timed it out either.
 */
const connectionOptions = (idleInTransactionTimeoutMs: number) => `-c jit=off -c idle_in_transaction_session_timeout=${Math.ceil(idleInTransactionTimeoutMs)}`;

export function createPgPool(url: string, max: number, applicationName: string, idleInTransactionTimeoutMs = IDLE_IN_TRANSACTION_TIMEOUT_MS): Pool {
  return new Pool({ connectionString: url, max, application_name: applicationName, idleTimeoutMillis: 30_000, options: connectionOptions(idleInTransactionTimeoutMs) });
}
