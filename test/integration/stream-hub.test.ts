import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { createRedis } from '../../adapters/redis/redis-client';
import { createRedisSubscriber } from '../../adapters/redis/redis-subscriber';
import type { LogEvent } from '../../domain/log-event';
import type { LiveEvent } from '../../features/live-tail/live-event';
import { createLiveHub, type LiveHub, type LiveListener } from '../../features/live-tail/live-hub';
import { createStreamCursors } from '../../features/live-tail/stream-cursor';
import { createRedisLivePublisher, liveChannel, type LivePublisher } from '../../adapters/redis/live-publisher';
import { testSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

class RecordingListener implements LiveListener {
  readonly ids: string[] = [];
  interrupted = 0;
  onEvents(events: readonly LiveEvent[]) {
    this.ids.push(...events.map((live) => live.event.id));
  }
  onInterrupted() {
    this.interrupted += 1;
  }
}

const event = (tenantId: string) => ({ id: randomUUID(), tenant_id: tenantId, received_at: new Date().toISOString() }) as LogEvent;
const cursors = createStreamCursors('a stream-hub test secret of 32 characters or more');

describe('live hub: one Redis subscription per tenant, on the real Redis', function () {
  this.timeout(30_000);
  const logger = pino({ level: 'silent' });
  let subscriber: Redis;
  let redis: Redis;
  let publisher: LivePublisher;
  let hub: LiveHub;

  const subscribers = async (tenantId: string) => Number(((await redis.pubsub('NUMSUB', liveChannel(tenantId))) as [string, number])[1]);

  before(async () => {
    const { config } = await testSystem();
    redis = createRedis(config.redis.url, 'stream-hub-test');
    subscriber = createRedisSubscriber(config.redis.url, 'stream-hub-test-subscriber');
    await Promise.all([redis.connect(), subscriber.connect()]);
    publisher = createRedisLivePublisher(redis);
    hub = createLiveHub(subscriber, cursors, logger);
  });

  after(async () => {
    await Promise.allSettled([redis.quit(), subscriber.quit()]);
  });

  it('subscribes on the first listener, shares the channel, and unsubscribes on the last release', async () => {
    const [tenant, other] = [randomUUID(), randomUUID()];
    const [first, second, stranger] = [new RecordingListener(), new RecordingListener(), new RecordingListener()];
    const subscriptions = await Promise.all([hub.subscribe(tenant, first), hub.subscribe(tenant, second), hub.subscribe(other, stranger)]);
    expect(await subscribers(tenant)).to.equal(1);
    expect(hub.stats()).to.deep.include({ channels: 2, listeners: 3 });

    const sent = event(tenant);
    await publisher.publish(tenant, 1, [sent]);
    await waitFor('both listeners to receive the event', () => first.ids.length === 1 && second.ids.length === 1);
    expect(first.ids).to.deep.equal([sent.id]);
    expect(stranger.ids).to.deep.equal([]);

    subscriptions[0]!.release();
    subscriptions[0]!.release();
    expect(await subscribers(tenant)).to.equal(1);
    subscriptions[1]!.release();
    await waitFor('the channel to be unsubscribed', async () => (await subscribers(tenant)) === 0);
    subscriptions[2]!.release();
    await waitFor('every channel to be unsubscribed', async () => hub.stats().channels === 0 && (await subscribers(other)) === 0);
  });

  it('stays subscribed when a release and a new subscription race', async () => {
    const tenant = randomUUID();
    const listener = new RecordingListener();
    (await hub.subscribe(tenant, new RecordingListener())).release();
    const again = await hub.subscribe(tenant, listener);
    expect(await subscribers(tenant)).to.equal(1);
    const sent = event(tenant);
    await publisher.publish(tenant, 1, [sent]);
    await waitFor('the event after resubscribing', () => listener.ids.includes(sent.id));
    again.release();
  });

  it('tells every listener when the connection drops, and starts clean after the reconnect', async () => {
    const tenant = randomUUID();
    const listeners = [new RecordingListener(), new RecordingListener()];
    const subscriptions = await Promise.all(listeners.map((listener) => hub.subscribe(tenant, listener)));
    subscriber.disconnect(true);
    await waitFor('both listeners to be told', () => listeners.every((listener) => listener.interrupted === 1));
    expect(hub.stats().channels).to.equal(0);
    subscriptions.forEach((subscription) => subscription.release());

    await waitFor('the subscriber to reconnect', () => subscriber.status === 'ready');
    expect(await subscribers(tenant)).to.equal(0);
    const fresh = new RecordingListener();
    const subscription = await hub.subscribe(tenant, fresh);
    const sent = event(tenant);
    await publisher.publish(tenant, 1, [sent]);
    await waitFor('the event on the new subscription', () => fresh.ids.includes(sent.id));
    subscription.release();
  });

  it('fails a subscription at once while Redis is unreachable', async () => {
    const offline = createRedisSubscriber('redis://127.0.0.1:1', 'stream-hub-test-offline');
    try {
      const offlineHub = createLiveHub(offline, cursors, logger);
      let failure: unknown;
      await offlineHub.subscribe(randomUUID(), new RecordingListener()).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(Error);
      expect(offlineHub.stats().channels).to.equal(0);
    } finally {
      offline.disconnect();
    }
  });
});
