import { apiUrl } from './api';
import type { Filters } from './components/filters';
import type { LogEvent } from './components/event-table';
import type { Session } from './session';

export type TailStatus = 'connecting' | 'live' | 'paused' | 'reconnecting';

export interface TailState {
  status: TailStatus;
  events: LogEvent[];
  /** The cursor of the last event received: where a reconnect or a reload resumes. */
  cursor: string | undefined;
  /** False once an event arrived without a cursor: this server cannot resume, and a reload starts from now. */
  resumable: boolean | undefined;
  note: string | undefined;
}

const STORAGE_KEY = 'audit-console.tail';
const SHOWN = 500;
/** Close codes of "Live tail resume": the cursor is too old, or not valid for this tenant. */
const CURSOR_REFUSED = new Set([4410, 4400]);
/** The token expired (4001) or was revoked (4401): reconnecting with it cannot succeed. */
const TOKEN_ENDED = new Set([4001, 4401]);

interface Stored {
  filters: Filters;
  cursor: string | undefined;
}

export function storedTail(): Stored {
  try {
    return { filters: {}, cursor: undefined, ...(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>) };
  } catch {
    return { filters: {}, cursor: undefined };
  }
}

function store(value: Stored): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
}

/**
 * One live-tail subscription: opens the stream with the token as a `bearer.` subprotocol (never in
 * the URL), resumes after the last cursor on reconnect, pause and reload, and reports every change.
 */
export function openTail(session: Session, filters: Filters, onChange: (state: TailState) => void): { pause(): void; resume(): void; close(): void } {
  const stored = storedTail();
  const sameFilters = JSON.stringify(stored.filters) === JSON.stringify(filters);
  let state: TailState = { status: 'connecting', events: [], cursor: sameFilters ? stored.cursor : undefined, resumable: undefined, note: undefined };
  let socket: WebSocket | undefined;
  let retryMs = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const update = (change: Partial<TailState>) => {
    state = { ...state, ...change };
    store({ filters, cursor: state.cursor });
    onChange(state);
  };

  const connect = () => {
    const path = apiUrl(session, '/logs/stream', { ...filters, after: state.cursor });
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
    const current = new WebSocket(url, ['audit-log.v1', `bearer.${session.token}`]);
    socket = current;
    current.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { type: string; data?: LogEvent; cursor?: string; count?: number };
      if (data.type === 'subscribed') {
        retryMs = 500;
        update({ status: 'live', note: state.cursor ? `Resumed after ${state.cursor}` : undefined });
      } else if (data.type === 'log' && data.data) {
        const cursor = data.cursor ?? state.cursor;
        update({ events: [data.data, ...state.events].slice(0, SHOWN), cursor, resumable: data.cursor !== undefined });
      } else if (data.type === 'dropped') {
        update({ note: `${data.count ?? 'Some'} events were dropped: this window could not keep up.` });
      }
    };
    current.onclose = (event) => {
      if (socket !== current || closed || state.status === 'paused') return;
      if (TOKEN_ENDED.has(event.code)) {
        update({ status: 'paused', note: 'The token expired or was revoked: sign out and sign in with a new one.' });
        return;
      }
      const refused = CURSOR_REFUSED.has(event.code);
      update({
        status: 'reconnecting',
        cursor: refused ? undefined : state.cursor,
        note: refused ? `The resume point was refused (${event.code} ${event.reason}); continuing from now.` : `Disconnected (${event.code}${event.reason ? ` ${event.reason}` : ''}); reconnecting…`,
      });
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  connect();
  return {
    pause() {
      update({ status: 'paused', note: undefined });
      socket?.close(1000);
    },
    resume() {
      update({ status: 'connecting' });
      connect();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000);
    },
  };
}
