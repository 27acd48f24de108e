import type { LogEvent } from '../../domain/log-event';

/**
 * One event on its way to live-tail sockets, at its position in the tenant's commit order. Its
 * frame is serialised and UTF-8 encoded once, however many sockets receive it (ws would encode a
 * string again for every socket).
 */
export class LiveEvent {
  private encoded: Buffer | undefined;

  constructor(
    readonly event: LogEvent,
    readonly position: number,
    /** The opaque resume cursor of this event (stream-cursor.ts). */
    readonly cursor: string,
  ) {}

  /** The `{"type":"log","cursor":"...","data":{...}}` payload of a text frame. */
  get frame(): Buffer {
    this.encoded ??= Buffer.from(JSON.stringify({ type: 'log', cursor: this.cursor, data: this.event }));
    return this.encoded;
  }
}

export class MalformedLiveMessageError extends Error {
  override readonly name = 'MalformedLiveMessageError';
}

/** An event of a live message with its position, before it has a cursor. */
export interface PositionedEvent {
  event: LogEvent;
  position: number;
}

export interface ParsedLiveMessage {
  events: PositionedEvent[];
  /** Events that named another tenant than the channel's; never delivered. */
  foreign: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads one message of a tenant's channel (`{"first_position":N,"events":[...]}`, written by
 * live-publisher: the events of one transaction, at positions N, N+1, ...). An event whose
 * `tenant_id` is not the channel's tenant is discarded, so even a publishing bug cannot show one
 * tenant's events to another.
 */
export function parseLiveMessage(raw: string, tenantId: string): ParsedLiveMessage {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    throw new MalformedLiveMessageError('live message is not JSON');
  }
  if (!isRecord(message) || !Array.isArray(message.events)) throw new MalformedLiveMessageError('live message has no events array');
  const first = message.first_position;
  if (typeof first !== 'number' || !Number.isSafeInteger(first) || first < 1) throw new MalformedLiveMessageError('live message has no first_position');
  const events: PositionedEvent[] = [];
  let foreign = 0;
  (message.events as unknown[]).forEach((event, index) => {
    if (isRecord(event) && typeof event.id === 'string' && event.tenant_id === tenantId) events.push({ event: event as unknown as LogEvent, position: first + index });
    else foreign += 1;
  });
  return { events, foreign };
}
