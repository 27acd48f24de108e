import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './private-redis';
import { privateServer, STACK_CACHE_DIR } from './private-server';

const LIB = path.join(STACK_CACHE_DIR, 'elasticmq-1.7.1', 'lib');
const JAVA = process.env.ELASTICMQ_JAVA ?? '/usr/lib/jvm/java-17-openjdk-amd64/bin/java';

export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** The same configuration ops/stack/servers/elasticmq.sh writes, for the given queues, each with its `-dlq`. */
function configuration(port: number, queues: readonly string[], settings: QueueSettings): string {
  const queue = (name: string) => `
  "${name}" {
    defaultVisibilityTimeout = ${settings.visibilityTimeoutSeconds} seconds
    delay = 0 seconds
    receiveMessageWait = 0 seconds
    deadLettersQueue { name = "${name}-dlq", maxReceiveCount = ${settings.maxReceiveCount} }
  }
  "${name}-dlq" {
    defaultVisibilityTimeout = ${settings.visibilityTimeoutSeconds} seconds
    receiveMessageWait = 0 seconds
  }`;
  return `include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
generate-node-address = false
queues {${queues.map(queue).join('')}
}
`;
}

/**
 * An ElasticMQ of a test's own, started from the stack's cached jars on a free port. Like the stack's,
 * it keeps messages in memory: a stop loses every message, while the queues themselves come back
 * from the configuration, as they would on a real SQS that was unreachable for a while.
 */
export async function startPrivateElasticMq(queues: readonly string[], settings: QueueSettings) {
  const dir = await mkdtemp(path.join(tmpdir(), 'outage-elasticmq-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const conf = path.join(dir, 'elasticmq.conf');
  await writeFile(conf, configuration(port, queues, settings));
  const server = privateServer({
    name: `elasticmq on ${endpoint}`,
    command: JAVA,
    args: ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dconfig.file=${conf}`, '-cp', path.join(LIB, '*'), 'org.elasticmq.server.Main'],
    // Ready once every configured queue is listed (the HTTP server answers a moment before they exist).
    healthy: async () => {
      const body = await fetch(`${endpoint}/?Action=ListQueues`, { signal: AbortSignal.timeout(1000) }).then((response) => response.text(), () => '');
      return queues.every((name) => body.includes(`/${name}</QueueUrl>`) && body.includes(`/${name}-dlq</QueueUrl>`));
    },
    startTimeoutMs: 90_000,
  });
  await server.start();
  return {
    endpoint,
    /** The URL of a configured queue on this server. */
    queueUrl: (name: string) => `${endpoint}/000000000000/${name}`,
    start: server.start,
    stop: server.stop,
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PrivateElasticMq = Awaited<ReturnType<typeof startPrivateElasticMq>>;
