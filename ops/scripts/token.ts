import { parseArgs } from 'node:util';
import { signToken } from '../../platform/auth/sign-token';
import { loadConfig } from '../../platform/config/config';
import { loadDotenv } from '../../platform/config/load-dotenv';
import { ROLES, type Role } from '../../domain/auth';

const USAGE = 'usage: npm run token -- --role admin|user|auditor [--tenant TENANT_ID] [--sub NAME] [--ttl SECONDS]';

function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      tenant: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== 'admin' && !values.tenant) throw new Error(`a ${role} token needs --tenant`);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('--ttl must be a positive whole number of seconds');
  loadDotenv();
  const { token } = signToken(loadConfig().jwt, { sub: values.sub ?? `cli-${role}`, role, tenantId: values.tenant, ttlSeconds });
  console.log(token);
}

try {
  main();
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
