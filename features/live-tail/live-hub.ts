import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/observability/logger';
import { parseLiveMessage, type LiveEvent } from './live-event';
import type { StreamCursors } from './stream-cursor';
import { liveChannel } from '../../adapters/redis/live-publisher';

export interface LiveListener {
  /** Events as published: in order within one transaction, in any order across transactions. */
  onEvents(events: readonly LiveEvent[]): void;
  /** The Redis feed was cut: events published meanwhile are lost, so the listener must not pretend otherwise. */
  onInterrupted(): void;
}

export interface LiveSubscription {
  /** Idempotent; the last release of a tenant unsubscribes its channel. */
  release(): void;
}

export interface LiveHub {
  /** Resolves once the tenant's channel is subscribed in Redis: every event published after that reaches `listener`. */
  subscribe(tenantId: string, listener: LiveListener): Promise<LiveSubscription>;
  stats(): { channels: number; listeners: number };
}

/** The feed was cut while a subscription was being set up. */
export class LiveFeedInterruptedError extends Error {
  override readonly name = 'LiveFeedInterruptedError';
}

interface Channel {
  tenantId: string;
  /** Subscriptions taken, including those still waiting for `ready`. */
  refs: number;
  listeners: Set<LiveListener>;
  ready: Promise<void>;
  interrupted: boolean;
}

/**
 * One Redis subscription per tenant channel, shared by every socket of that tenant in this process:
 * subscribed on the first subscription, unsubscribed on the last release. Each message is parsed
 * once and handed to every listener of that channel only.
 *
 * `subscriber` must be a connection of its own (subscriber mode) created with autoResubscribe off:
 * when it drops, every listener is told and the hub starts empty, rather than resubscribing behind
 * the listeners' backs and hiding the gap.
 */
export function createLiveHub(subscriber: Redis, cursors: StreamCursors, logger: Logger): LiveHub {
  const channels = new Map<string, Channel>();

  subscriber.on('message', (name: string, raw: string) => {
    const channel = channels.get(name);
    if (!channel || channel.listeners.size === 0) return;
    let parsed;
    try {
      parsed = parseLiveMessage(raw, channel.tenantId);
    } catch (error) {
      logger.error({ err: error, tenantId: channel.tenantId }, 'unreadable live message skipped');
      return;
    }
    if (parsed.foreign > 0) logger.error({ tenantId: channel.tenantId, foreign: parsed.foreign }, 'live events of another tenant discarded');
    if (parsed.events.length === 0) return;
    const events = parsed.events.map((positioned) => cursors.liveEvent(channel.tenantId, positioned));
    for (const listener of [...channel.listeners]) listener.onEvents(events);
  });

  subscriber.on('close', () => {
    if (channels.size === 0) return;
    logger.warn({ channels: channels.size }, 'live feed connection lost; closing its subscriptions');
    const cut = [...channels.values()];
    channels.clear();
    for (const channel of cut) {
      channel.interrupted = true;
      for (const listener of [...channel.listeners]) listener.onInterrupted();
    }
  });

  function open(name: string, tenantId: string): Channel {
    const channel: Channel = { tenantId, refs: 0, listeners: new Set(), ready: subscriber.subscribe(name).then(() => undefined), interrupted: false };
    channels.set(name, channel);
    channel.ready.catch(() => {
      if (channels.get(name) === channel) channels.delete(name);
    });
    return channel;
  }

  function release(name: string, channel: Channel, listener: LiveListener | undefined): void {
    if (listener) channel.listeners.delete(listener);
    channel.refs -= 1;
    if (channel.refs > 0 || channels.get(name) !== channel) return;
    channels.delete(name);
    subscriber.unsubscribe(name).catch((error: unknown) => logger.warn({ err: error, tenantId: channel.tenantId }, 'live unsubscribe failed'));
  }

  return {
    async subscribe(tenantId, listener) {
      const name = liveChannel(tenantId);
      const channel = channels.get(name) ?? open(name, tenantId);
      channel.refs += 1;
      try {
        await channel.ready;
      } catch (error) {
        release(name, channel, undefined);
        throw error;
      }
      if (channel.interrupted) throw new LiveFeedInterruptedError('the live feed was interrupted while subscribing');
      channel.listeners.add(listener);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          release(name, channel, listener);
        },
      };
    },

    stats() {
      let listeners = 0;
      for (const channel of channels.values()) listeners += channel.listeners.size;
      return { channels: channels.size, listeners };
    },
  };
}
