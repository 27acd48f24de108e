import { Pool, types } from 'pg';

// Keep int8 counts exact but usable: counts never approach 2^53 in one response.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export function createPgPool(url: string, max: number, applicationName: string): Pool {
  return new Pool({ connectionString: url, max, application_name: applicationName, idleTimeoutMillis: 30_000 });
}
