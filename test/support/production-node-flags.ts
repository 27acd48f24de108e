import { execFileSync } from 'node:child_process';
import path from 'node:path';

const APP_SH = path.resolve(__dirname, '..', '..', 'ops', 'stack', 'app.sh');

/** The V8 flags `npm run up` starts a service process with (ops/stack/app.sh), so tests run it the same way. */
export function productionNodeFlags(processName: string): string[] {
  const flags = execFileSync('bash', ['-c', 'source "$0" && app_node_flags "$1"', APP_SH, processName], { encoding: 'utf8' });
  return flags.split(/\s+/).filter(Boolean);
}
