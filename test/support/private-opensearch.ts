import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './private-redis';
import { answersOk, privateServer, STACK_CACHE_DIR } from './private-server';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const HOME = path.join(STACK_CACHE_DIR, 'opensearch-2.19.6');
const JAVA = process.env.OPENSEARCH_JAVA_HOME ? path.join(process.env.OPENSEARCH_JAVA_HOME, 'bin', 'java') : '/usr/lib/jvm/java-17-openjdk-amd64/bin/java';

/** The launcher compiled by ops/stack/servers/opensearch.sh, in the directory named after its source's hash. */
function launcherDir(): string {
  const source = readFileSync(path.join(PROJECT_ROOT, 'ops', 'stack', 'opensearch', 'src', 'AuditOpenSearchLauncher.java'));
  return path.join(HOME, `launcher-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
}

/**
 * An OpenSearch node of a test's own, launched like ops/stack/servers/opensearch.sh but on free ports,
 * with a small heap and its data in a temp directory that survives stop/start (so indexed documents
 * and the index template are still there when it comes back) until dispose.
 * Start-up takes tens of seconds on a busy 2-core machine: start one per test file.
 */
export async function startPrivateOpenSearch() {
  const dir = await mkdtemp(path.join(tmpdir(), 'outage-opensearch-'));
  await Promise.all(['home', 'data', 'logs', 'tmp'].map((sub) => mkdir(path.join(dir, sub))));
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const server = privateServer({
    name: `opensearch on ${url}`,
    command: JAVA,
    args: [
      '-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:-OmitStackTraceInFastThrow',
      `-Djava.io.tmpdir=${path.join(dir, 'tmp')}`, '-Djava.awt.headless=true', '-Dfile.encoding=UTF-8', '-Djava.locale.providers=SPI,COMPAT',
      '-Dio.netty.noUnsafe=true', '-Dio.netty.noKeySetOptimization=true', '-Dio.netty.recycler.maxCapacityPerThread=0', '-Dio.netty.allocator.numDirectArenas=0',
      '-Dlog4j.shutdownHookEnabled=false', '-Dlog4j2.disable.jmx=true', '-Dlog4j2.formatMsgNoLookups=true',
      '-cp', `${path.join(HOME, 'lib', '*')}:${launcherDir()}`,
      'AuditOpenSearchLauncher',
      `path.home=${path.join(dir, 'home')}`, `path.data=${path.join(dir, 'data')}`, `path.logs=${path.join(dir, 'logs')}`,
      'cluster.name=audit-log-outage-test', 'node.name=outage-node', 'network.host=127.0.0.1',
      `http.port=${httpPort}`, `transport.port=${transportPort}`,
      'discovery.type=single-node', 'cluster.routing.allocation.disk.threshold_enabled=false', 'logger.level=WARN',
    ],
    healthy: () => answersOk(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`),
    startTimeoutMs: 240_000,
  });
  await server.start();
  return {
    url,
    start: server.start,
    stop: server.stop,
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PrivateOpenSearch = Awaited<ReturnType<typeof startPrivateOpenSearch>>;
