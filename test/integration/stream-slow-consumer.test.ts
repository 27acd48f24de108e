import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Redis } from 'ioredis';
import { createRedis } from '../../adapters/redis/redis-client';
import type { LogEvent } from '../../domain/log-event';
import { createRedisLivePublisher, type LivePublisher } from '../../adapters/redis/live-publisher';
import { createTenant, tokenFor } from '../support/fixtures';
import { openStream, type StreamClient } from '../support/stream-client';
import { startApi, testSystem, type RunningApi, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** What this process holds after a full collection: the JS heap plus Buffers (where queued socket writes live). */
function retainedBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const MB = 1024 * 1024;
const SEND_BUFFER_BYTES = 64 * 1024;
const EVENTS_PER_MESSAGE = 50;
const MESSAGE_TEXT = 'x'.repeat(4000);
/** About 105 MB of frames for one socket that reads nothing: far beyond what a bounded server may hold. */
const MESSAGES = 480;
const RETAINED_GROWTH_LIMIT = 24 * MB;

function loadEvent(tenantId: string, n: number): LogEvent {
  const now = new Date().toISOString();
  return {
    id: randomUUID(), tenant_id: tenantId, received_at: now, action: 'document.read', severity: 'INFO', user_id: 'load', session_id: null,
    resource: 'document', resource_id: `doc-${n}`, message: MESSAGE_TEXT, ip_address: null, user_agent: null,
    before_state: null, after_state: null, metadata: null, event_timestamp: now, event_id: null,
  };
}

interface Load {
  published: number;
  publishedBytes: number;
  peakRetainedGrowth: number;
  peakRssGrowth: number;
  peakServerBuffered: number;
}

/**
 * Publishes to the tenant's live channel exactly as ingest does after commit, but without
 * PostgreSQL in the way, so that ~100 MB pass through the stream in seconds.
 */
async function publishLoad(api: RunningApi, publisher: LivePublisher, tenantId: string, until: () => boolean = () => false): Promise<Load> {
  const baseline = retainedBytes();
  const baselineRss = process.memoryUsage().rss;
  const load: Load = { published: 0, publishedBytes: 0, peakRetainedGrowth: 0, peakRssGrowth: 0, peakServerBuffered: 0 };
  for (let message = 0; message < MESSAGES && !until(); message += 1) {
    const events = Array.from({ length: EVENTS_PER_MESSAGE }, (_, i) => loadEvent(tenantId, load.published + i));
    await publisher.publish(tenantId, load.published + 1, events);
    load.published += events.length;
    load.publishedBytes += events.length * (MESSAGE_TEXT.length + 400);
    load.peakServerBuffered = Math.max(load.peakServerBuffered, api.liveTail.stats().bufferedBytes);
    if (message % 40 === 0) {
      load.peakRetainedGrowth = Math.max(load.peakRetainedGrowth, retainedBytes() - baseline);
      load.peakRssGrowth = Math.max(load.peakRssGrowth, process.memoryUsage().rss - baselineRss);
    }
  }
  load.peakRetainedGrowth = Math.max(load.peakRetainedGrowth, retainedBytes() - baseline);
  return load;
}

function report(name: string, load: Load): void {
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  console.log(
    `      [${name}] published ${load.published} events (~${mb(load.publishedBytes)}); peak growth after GC ${mb(load.peakRetainedGrowth)} ` +
      `(heap + buffers), peak RSS growth ${mb(load.peakRssGrowth)}, peak server send buffer ${(load.peakServerBuffered / 1024).toFixed(0)} KiB`,
  );
}

const droppedCount = (client: StreamClient) => client.messages.filter((m) => m.type === 'dropped').reduce((sum, m) => sum + (m.count as number), 0);

describe('live tail: a slow consumer cannot grow server memory', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let redis: Redis;
  let publisher: LivePublisher;

  before(async () => {
    system = await testSystem();
    redis = createRedis(system.config.redis.url, 'stream-load-publisher');
    await redis.connect();
    publisher = createRedisLivePublisher(redis);
  });

  after(async () => {
    await redis?.quit();
  });

  async function slowApi(slowConsumerTimeoutMs: number): Promise<RunningApi> {
    const stream = { ...system.config.stream, sendBufferBytes: SEND_BUFFER_BYTES, slowConsumerTimeoutMs, heartbeatIntervalMs: 600_000 };
    return startApi({ ...system.config, stream }, system.logger);
  }

  it('drops what a paused client cannot take, tells it how many, and keeps memory flat', async () => {
    const api = await slowApi(600_000);
    const tenantId = await createTenant(system);
    // A user's subscription, not an auditor's: that would be recorded and streamed to it, one event more than published.
    const client = await openStream(api.url, { token: tokenFor(system, 'user', tenantId) });
    try {
      client.socket.pause();
      const load = await publishLoad(api, publisher, tenantId);
      report('dropped', load);

      expect(load.publishedBytes).to.be.greaterThan(4 * RETAINED_GROWTH_LIMIT);
      expect(load.peakRetainedGrowth).to.be.lessThan(RETAINED_GROWTH_LIMIT);
      expect(load.peakServerBuffered).to.be.at.most(SEND_BUFFER_BYTES + 8 * 1024);
      expect(api.liveTail.stats().droppedEvents).to.be.greaterThan(0);

      client.socket.resume();
      await waitFor('every event delivered or counted as dropped', () => client.logs().length + droppedCount(client) === load.published, { timeoutMs: 60_000 });
      expect(droppedCount(client)).to.equal(api.liveTail.stats().droppedEvents);
      expect(client.logs().length).to.be.greaterThan(0);
      const first = client.messages.findIndex((m) => m.type === 'dropped');
      expect(first, 'a dropped notice arrives after the events that fitted').to.be.greaterThan(1);
    } finally {
      await client.close();
      await api.close();
    }
  });

  it('closes a client that stays too slow with 1013, and keeps memory flat', async () => {
    const api = await slowApi(300);
    const tenantId = await createTenant(system);
    const client = await openStream(api.url, { token: tokenFor(system, 'user', tenantId) });
    try {
      client.socket.pause();
      const load = await publishLoad(api, publisher, tenantId, () => api.liveTail.stats().slowConsumerCloses > 0);
      report('1013', load);
      expect(api.liveTail.stats().slowConsumerCloses).to.equal(1);
      expect(load.peakRetainedGrowth).to.be.lessThan(RETAINED_GROWTH_LIMIT);
      expect(load.peakServerBuffered).to.be.at.most(SEND_BUFFER_BYTES + 8 * 1024);

      client.socket.resume();
      const closed = await client.closed;
      expect(closed.code).to.equal(1013);
      expect(closed.reason).to.match(/^too slow: \d+ events dropped$/);
      await waitFor('the connection to be released', () => api.liveTail.stats().connections === 0);
    } finally {
      await client.close();
      await api.close();
    }
  });
});
