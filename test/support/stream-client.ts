import type { IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { waitFor } from './wait-for';

export interface StreamOptions {
  token?: string;
  /** How the token travels: the Authorization header (default), a `bearer.` subprotocol, or `access_token`. */
  via?: 'header' | 'protocol' | 'query';
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Subprotocols to offer (the bearer one is added when via is 'protocol'). */
  protocols?: string[];
  clientOptions?: ClientOptions;
}

export interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A live-tail client that records every message it receives. */
export class StreamClient {
  readonly messages: any[] = [];
  readonly closed: Promise<Closed>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
    // A refused or broken connection is observed through `closed` and the test's own listeners.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  logs(): any[] {
    return this.messages.filter((message) => message.type === 'log').map((message) => message.data);
  }

  /** Waits for a message matching `predicate` and returns it. */
  next(description: string, predicate: (message: any) => boolean, timeoutMs = 15_000): Promise<any> {
    return waitFor(description, () => this.messages.find(predicate), { timeoutMs, intervalMs: 20 });
  }

  /** Waits until the log event with `id` has arrived. */
  logWithId(id: string): Promise<any> {
    return this.next(`log ${id}`, (message) => message.type === 'log' && message.data.id === id).then((message) => message.data);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
    await this.closed;
  }
}

function connect(baseUrl: string, options: StreamOptions): WebSocket {
  const url = new URL('/api/v1/logs/stream', baseUrl.replace(/^http/, 'ws'));
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...options.headers };
  const protocols = [...(options.protocols ?? [])];
  const via = options.via ?? 'header';
  if (options.token && via === 'header') headers.authorization = `Bearer ${options.token}`;
  if (options.token && via === 'query') url.searchParams.set('access_token', options.token);
  if (options.token && via === 'protocol') protocols.push(`bearer.${options.token}`);
  return new WebSocket(url, protocols, { headers, ...options.clientOptions });
}

/** Starts an upgrade without waiting for anything: for sockets the server closes right after it. */
export function streamSocket(baseUrl: string, options: StreamOptions = {}): StreamClient {
  return new StreamClient(connect(baseUrl, options));
}

/** Opens the stream and resolves once `subscribed` has arrived; rejects with the refusal if there is one. */
export function openStream(baseUrl: string, options: StreamOptions = {}): Promise<StreamClient> {
  const socket = connect(baseUrl, options);
  const client = new StreamClient(socket);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused with ${res.statusCode}`));
      res.resume();
    });
    socket.once('error', reject);
    client
      .next('subscribed', (message) => message.type === 'subscribed')
      .then(() => resolve(client), reject);
  });
}

/** Expects the upgrade to be refused and returns the HTTP response (its problem+json body parsed). */
export function refusedStream(baseUrl: string, options: StreamOptions = {}): Promise<Refusal> {
  const socket = connect(baseUrl, options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the stream was opened, not refused'));
    });
    socket.once('error', () => undefined);
    socket.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
  });
}
