import type { LogEvent } from '../../domain/log-event';

/**
 * One event on its way to live-tail sockets. Its frame is serialised and UTF-8 encoded once,
 * however many sockets receive it (ws would encode a string again for every socket).
 */
export class LiveEvent {
  private encoded: Buffer | undefined;

  constructor(readonly event: LogEvent) {}

  /** The `{"type":"log","data":{...}}` payload of a text frame. */
  get frame(): Buffer {
    this.encoded ??= Buffer.from(JSON.stringify({ type: 'log', data: this.event }));
    return this.encoded;
  }
}

export class MalformedLiveMessageError extends Error {
  override readonly name = 'MalformedLiveMessageError';
}

export interface ParsedLiveMessage {
  events: LiveEvent[];
  /** Events that named another tenant than the channel's; never delivered. */
  foreign: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads one message of a tenant's channel (`{"events":[...]}`, written by live-publisher). An event
 * whose `tenant_id` is not the channel's tenant is discarded, so even a publishing bug cannot show
 * one tenant's events to another.
 */
export function parseLiveMessage(raw: string, tenantId: string): ParsedLiveMessage {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    throw new MalformedLiveMessageError('live message is not JSON');
  }
  if (!isRecord(message) || !Array.isArray(message.events)) throw new MalformedLiveMessageError('live message has no events array');
  const events: LiveEvent[] = [];
  let foreign = 0;
  for (const event of message.events as unknown[]) {
    if (isRecord(event) && typeof event.id === 'string' && event.tenant_id === tenantId) events.push(new LiveEvent(event as unknown as LogEvent));
    else foreign += 1;
  }
  return { events, foreign };
}
