import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyOffline } from '../../domain/integrity/offline-verify';
import { verifyingKeyFromJwk } from '../../domain/integrity/signing-keys';

/**
 * Offline verification of an exported tenant log, trusting nothing the server says:
 *   npm run verify -- --export logs.ndjson --checkpoints checkpoints.json --keys jwks.json
 * --export: NDJSON as GET /logs/export gives it (every event, each with its seq).
 * --checkpoints: GET /integrity/checkpoints JSON (its `items` or an array of them), one signed note
 *   as text, or a folder of notes (the bucket's tenants/<tenant>/checkpoints/*.txt).
 * --keys: the JWKS of GET /integrity/keys or /.well-known/audit-log-keys.json.
 * Prints the result as JSON; exits 0 when the log verifies, 1 when it does not, 2 on bad input.
 */
function notesFrom(location: string): string[] {
  if (statSync(location).isDirectory()) {
    return readdirSync(location)
      .filter((name) => name.endsWith('.txt'))
      .sort()
      .map((name) => readFileSync(path.join(location, name), 'utf8'));
  }
  const text = readFileSync(location, 'utf8');
  if (!/^\s*[[{]/.test(text)) return [text];
  const parsed = JSON.parse(text) as unknown;
  const list = Array.isArray(parsed) ? parsed : [...((parsed as { items?: unknown[] }).items ?? [parsed])];
  return list.map((checkpoint) => {
    const note = (checkpoint as { note?: unknown }).note;
    if (typeof note !== 'string') throw new Error('a checkpoint without its signed note');
    return note;
  });
}

function main(): number {
  const { values } = parseArgs({ options: { export: { type: 'string' }, checkpoints: { type: 'string' }, keys: { type: 'string' } } });
  if (!values.export || !values.checkpoints || !values.keys) {
    console.error('usage: npm run verify -- --export logs.ndjson --checkpoints checkpoints.json|note.txt|folder --keys jwks.json');
    return 2;
  }
  const events = readFileSync(values.export, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const jwks = JSON.parse(readFileSync(values.keys, 'utf8')) as { keys?: Record<string, unknown>[] };
  const keys = (jwks.keys ?? []).map((jwk) => verifyingKeyFromJwk(jwk));
  const result = verifyOffline(events, notesFrom(values.checkpoints), keys);
  console.log(JSON.stringify(result, null, 2));
  return result.ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`verify: ${(error as Error).message}`);
  process.exitCode = 2;
}
