import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { WebSocket } from 'ws';
import type { LogEvent } from '../../domain/log-event';
import { LiveEvent } from '../../features/live-tail/live-event';
import { StreamConnection, type StreamConnectionOptions } from '../../features/live-tail/stream-connection';

/** Stands in for a ws socket whose send buffer the test controls: frames stay buffered until `flush`. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: any[] = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  pings = 0;
  private pending: { bytes: number; done?: (error?: Error | null) => void }[] = [];

  /** Like ws: `send(data, done?)` or `send(data, options, done?)`; bytes go out as text only with `binary: false`. */
  send(data: string | Buffer, ...rest: unknown[]) {
    const done = rest.at(-1) as ((error?: Error | null) => void) | undefined;
    const options = rest.length > 1 ? (rest[0] as { binary?: boolean }) : {};
    if (Buffer.isBuffer(data) && options.binary !== false) throw new Error('bytes sent as a binary frame');
    this.sent.push(JSON.parse(data.toString()));
    this.bufferedAmount += data.length;
    this.pending.push({ bytes: data.length, done });
  }

  /** The peer read everything: each write completes, as the kernel would report it. */
  flush() {
    for (const write of this.pending.splice(0)) {
      this.bufferedAmount -= write.bytes;
      write.done?.();
    }
  }

  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }

  terminate() {
    this.terminated = true;
    this.readyState = 3;
  }

  ping() {
    this.pings += 1;
  }
}

const event = (n: number): LiveEvent =>
  new LiveEvent({ id: randomUUID(), tenant_id: 't', severity: n % 2 ? 'ERROR' : 'INFO', message: 'm'.repeat(100) } as unknown as LogEvent, n + 1, `cursor-${n}`);

describe('live-tail connection', () => {
  let clock: number;
  let dropped: number;
  let slowCloses: number;
  let sockets: FakeSocket[];

  function connect(overrides: Partial<StreamConnectionOptions> = {}) {
    const socket = new FakeSocket();
    const connection = new StreamConnection(socket as unknown as WebSocket, {
      matches: () => true,
      sendBufferBytes: 1000,
      slowConsumerTimeoutMs: 5000,
      expiresAt: new Date(Date.now() + 3_600_000),
      logger: pino({ level: 'silent' }),
      onDropped: (count) => (dropped += count),
      onSlowConsumerClosed: () => (slowCloses += 1),
      now: () => clock,
      ...overrides,
    });
    sockets.push(socket);
    return { socket, connection };
  }

  beforeEach(() => {
    clock = 0;
    dropped = 0;
    slowCloses = 0;
    sockets = [];
  });

  // A closed socket cancels its expiry timer.
  afterEach(() => sockets.forEach((socket) => socket.emit('close')));

  it('sends only matching events', () => {
    const { socket, connection } = connect({ matches: (e) => e.severity === 'ERROR' });
    connection.onEvents([0, 1, 2, 3].map(event));
    expect(socket.sent.map((m) => m.data.severity)).to.deep.equal(['ERROR', 'ERROR']);
  });

  it('drops events while the send buffer is full and reports the count once it drains', () => {
    const { socket, connection } = connect();
    connection.onEvents(Array.from({ length: 20 }, (_, n) => event(n)));
    const queued = socket.sent.length;
    expect(queued).to.be.within(1, 19);
    expect(socket.bufferedAmount).to.be.lessThan(1000 + 300);
    expect(dropped).to.equal(20 - queued);

    socket.flush();
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'dropped', count: 20 - queued });
    connection.onEvents([event(99)]);
    expect(socket.sent.filter((m) => m.type === 'dropped')).to.have.length(1);
    expect(socket.sent.at(-1).type).to.equal('log');
  });

  it('reports drops once it drains after one frame larger than the whole buffer filled it', () => {
    const { socket, connection } = connect({ sendBufferBytes: 100 });
    connection.onEvents([event(0), event(1), event(2)]);
    expect(socket.sent).to.have.length(1);
    expect(dropped).to.equal(2);
    socket.flush();
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'dropped', count: 2 });
  });

  it('closes with 1013 once the buffer has stayed full for the slow-consumer timeout', () => {
    const { socket, connection } = connect();
    connection.onEvents(Array.from({ length: 20 }, (_, n) => event(n)));
    clock = 4999;
    connection.onEvents([event(1)]);
    expect(socket.closedWith).to.equal(undefined);
    clock = 5000;
    connection.onEvents([event(2)]);
    expect(socket.closedWith?.[0]).to.equal(1013);
    expect(slowCloses).to.equal(1);
  });

  it('restarts the slow-consumer clock whenever the buffer drains', () => {
    const { socket, connection } = connect();
    connection.onEvents(Array.from({ length: 20 }, (_, n) => event(n)));
    clock = 4000;
    socket.flush();
    connection.onEvents(Array.from({ length: 20 }, (_, n) => event(n)));
    clock = 8000;
    connection.onEvents([event(1)]);
    expect(socket.closedWith).to.equal(undefined);
  });

  it('pings and sends a heartbeat each tick, and terminates a peer that missed the last pong', () => {
    const { socket, connection } = connect();
    connection.heartbeat();
    expect(socket.pings).to.equal(1);
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'heartbeat' });
    socket.emit('pong');
    connection.heartbeat();
    expect(socket.terminated).to.equal(false);
    connection.heartbeat();
    expect(socket.terminated).to.equal(true);
  });

  it('closes with 4001 when the token expires', async () => {
    const { socket } = connect({ expiresAt: new Date(Date.now() + 20) });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(socket.closedWith).to.deep.equal([4001, 'token expired']);
  });

  it('schedules expiry beyond the 24.8-day timer limit without firing early', async () => {
    const { socket } = connect({ expiresAt: new Date(Date.now() + 40 * 24 * 3600 * 1000) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socket.closedWith).to.equal(undefined);
  });

  it('closes with 1013 when the live feed is interrupted', () => {
    const { socket, connection } = connect();
    connection.onInterrupted();
    expect(socket.closedWith).to.deep.equal([1013, 'live feed interrupted; reconnect']);
  });
});
