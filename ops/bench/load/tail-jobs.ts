import WebSocket from 'ws';
import { createRedis } from '../../../adapters/redis/redis-client';
import { loadConfig } from '../../../platform/config/config';
import { wallMs } from '../lib/clock';
import { generateEvents } from '../lib/events';
import { summarizeLatencies, type LatencySummary } from '../lib/statistics';
import { httpClient, jsonHeaders } from './http';
import { openLoop, type OpenLoopResult } from './open-loop';
import type { JobControl } from './protocol';

export interface SubscriberResult {
  latency: LatencySummary;
  /** From the event's `received_at` (stamped by the API when the POST arrived) to each subscriber; API only. */
  sinceReceived: LatencySummary;
  received: number;
  connected: number;
}

interface LiveMessage {
  type: string;
  data?: { received_at?: string; metadata?: { sent_at?: number } };
}

/**
 * Opens `count` WebSockets, waits until each says it is subscribed, then records for every `log`
 * message the time since its publisher stamped `metadata.sent_at`, until the bench says stop.
 */
export async function tailSubscribers(params: { url: string; token?: string; count: number }, control: JobControl): Promise<SubscriberResult> {
  const latencies: number[] = [];
  const sinceReceived: number[] = [];
  const sockets: WebSocket[] = [];
  const headers = params.token ? { authorization: `Bearer ${params.token}` } : undefined;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(params.url, { headers, perMessageDeflate: false });
      sockets.push(socket);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.on('message', (raw: Buffer) => {
        const message = JSON.parse(raw.toString()) as LiveMessage;
        if (message.type === 'subscribed') resolve();
        if (message.type !== 'log') return;
        const now = wallMs();
        const sentAt = message.data?.metadata?.sent_at;
        if (typeof sentAt === 'number') latencies.push(now - sentAt);
        if (message.data?.received_at) sinceReceived.push(now - Date.parse(message.data.received_at));
      });
    });
  for (let start = 0; start < params.count; start += 100) {
    await Promise.all(Array.from({ length: Math.min(100, params.count - start) }, open));
  }
  await control.readyThenWait();
  const connected = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
  sockets.forEach((socket) => socket.terminate());
  return { latency: summarizeLatencies(latencies), sinceReceived: summarizeLatencies(sinceReceived), received: latencies.length, connected };
}

export interface PublishParams {
  rate: number;
  count: number;
  seed: number;
}

export type PublishResult = Pick<OpenLoopResult, 'ok' | 'failed' | 'shed' | 'unanswered'>;

const publishResult = ({ ok, failed, shed, unanswered }: OpenLoopResult): PublishResult => ({ ok, failed, shed, unanswered });

const stamped = (params: PublishParams) => {
  const events = generateEvents(params.seed, params.count);
  return (index: number) => {
    const event = events[index] as (typeof events)[number];
    return { ...event, metadata: { ...event.metadata, sent_at: wallMs() } };
  };
};

/** POST /logs at `rate`, each event stamped with its send time. */
export async function publishHttp(params: PublishParams & { url: string; token: string }): Promise<PublishResult> {
  const http = httpClient(params.url, 32);
  const next = stamped(params);
  const result = await openLoop(params.rate, (params.count / params.rate) * 1000, 500, async (index) => {
    const response = await http.request('POST', '/api/v1/logs', jsonHeaders(params.token), JSON.stringify(next(index)));
    return response.status === 201;
  });
  http.close();
  return publishResult(result);
}

/** The anchor's publisher: the same stamped events straight into a Redis channel. */
export async function publishRedis(params: PublishParams & { channel: string }): Promise<PublishResult> {
  const redis = createRedis(loadConfig().redis.url, 'bench-publisher');
  await redis.connect();
  const next = stamped(params);
  const result = await openLoop(params.rate, (params.count / params.rate) * 1000, 500, async (index) => {
    await redis.publish(params.channel, JSON.stringify({ type: 'log', data: next(index) }));
    return true;
  });
  await redis.quit();
  return publishResult(result);
}
