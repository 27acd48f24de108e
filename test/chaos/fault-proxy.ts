import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How an injected fault looks to the client:
 * - `reset`: the connection is cut before anything is forwarded (the server never saw the request);
 * - `reset-after-forward`: the request is forwarded and answered, then the connection is cut before
 *   the answer reaches the client (the server acted on it; the client cannot know — a retry duplicates);
 * - `error-status`: an error status (503 unless configured) without forwarding;
 * - `delay`: forwarded intact after a pause of up to `maxDelayMs` (a slow server, not a failing one).
 */
export type FaultMode = 'reset' | 'reset-after-forward' | 'error-status' | 'delay';
/** The modes that make a request fail: the default, since a delay alone breaks nothing. */
export const FAULT_MODES: readonly FaultMode[] = ['reset', 'reset-after-forward', 'error-status'];

/**
 * An outage window: every eligible request fails the same way until it ends. `error-status`
 * answers at once; `stall` holds each request unanswered and cuts it when the window closes, as a
 * server that stopped responding does (the client waits, then sees the connection drop).
 */
export type OutageMode = 'error-status' | 'stall';

export interface FaultProxyOptions {
  /** The real server behind the proxy (ElasticMQ, OpenSearch, versitygw…). */
  target: { host: string; port: number };
  /** Which requests may be faulted; every other request passes through untouched. Default: all. */
  eligible?: (request: IncomingMessage) => boolean;
  /** The share of eligible requests that get a fault, 0 to 1; can be changed while running. */
  faultRate: number;
  /** Faults are drawn uniformly from these. Default: all of FAULT_MODES. */
  modes?: readonly FaultMode[];
  /** [0, 1) source for fault decisions; a seeded one makes a run replayable. Default: Math.random. */
  random?: () => number;
  errorStatus?: number;
  errorBody?: string;
  errorContentType?: string;
  /** The longest pause of the `delay` mode, drawn uniformly from [0, maxDelayMs). Default 2,000. */
  maxDelayMs?: number;
}

export interface FaultProxyStats {
  requests: number;
  eligible: number;
  /** Eligible requests faulted one at a time, at the fault rate (outage windows not included). */
  faulted: number;
  byMode: Record<FaultMode, number>;
  /** Outage windows opened, and the eligible requests they failed, by how. */
  outages: number;
  failedInOutages: Record<OutageMode, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the target's URL. */
  url: string;
  port: number;
  stats(): FaultProxyStats;
  setFaultRate(rate: number): void;
  /** Fails every eligible request for `ms` (requests already forwarded are left alone); resolves when the window has closed. */
  outage(mode: OutageMode, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP proxy that forwards every request verbatim (method, path, headers including Host, so
 * signed requests stay valid) and injects faults into a configurable share of eligible requests.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { target, eligible = () => true, modes = FAULT_MODES, random = Math.random, maxDelayMs = 2000 } = options;
  if (modes.length === 0) throw new Error('a fault proxy needs at least one fault mode');
  let faultRate = checkedRate(options.faultRate);
  const stats: FaultProxyStats = {
    requests: 0,
    eligible: 0,
    faulted: 0,
    byMode: { reset: 0, 'reset-after-forward': 0, 'error-status': 0, delay: 0 },
    outages: 0,
    failedInOutages: { 'error-status': 0, stall: 0 },
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let openOutage: { mode: OutageMode; stalled: Set<IncomingMessage> } | undefined;

  const answerError = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    incoming.resume();
    incoming.once('end', () => {
      if (outgoing.writableEnded || outgoing.destroyed) return;
      outgoing.writeHead(options.errorStatus ?? 503, { 'content-type': options.errorContentType ?? 'application/json' });
      outgoing.end(options.errorBody ?? '{"message":"fault injected by the test proxy"}');
    });
  };

  /** True when an open outage window took the request. */
  function failedByOutage(incoming: IncomingMessage, outgoing: ServerResponse): boolean {
    if (!openOutage || !eligible(incoming)) return false;
    stats.failedInOutages[openOutage.mode] += 1;
    if (openOutage.mode === 'error-status') answerError(incoming, outgoing);
    else openOutage.stalled.add(incoming);
    return true;
  }

  function faultFor(incoming: IncomingMessage): FaultMode | undefined {
    if (!eligible(incoming)) return undefined;
    stats.eligible += 1;
    // A run with few eligible requests (batched indexing, outage windows taking most of the load)
    // could otherwise see no fault at all and test nothing: the first comes by the FIRST_FAULT_BY-th at the latest.
    const due = faultRate > 0 && stats.faulted === 0 && stats.eligible >= FIRST_FAULT_BY;
    if (!due && random() >= faultRate) return undefined;
    const mode = modes[Math.floor(random() * modes.length)] as FaultMode;
    stats.faulted += 1;
    stats.byMode[mode] += 1;
    return mode;
  }

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, fault: FaultMode | undefined) => {
    const upstream = request({ host: target.host, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent }, (answer) => {
      if (fault === 'reset-after-forward') {
        answer.resume();
        answer.once('end', () => incoming.socket.destroy());
        return;
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => {
      if (outgoing.headersSent) outgoing.destroy();
      else outgoing.writeHead(502, { 'content-type': 'text/plain' }).end('the proxy could not reach its target');
    });
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy();
    });
    incoming.pipe(upstream);
  };

  const server = createServer((incoming, outgoing) => {
    stats.requests += 1;
    if (failedByOutage(incoming, outgoing)) return;
    const fault = faultFor(incoming);
    if (fault === 'reset') incoming.socket.destroy();
    else if (fault === 'error-status') answerError(incoming, outgoing);
    else if (fault === 'delay') setTimeout(() => forward(incoming, outgoing, undefined), Math.floor(random() * maxDelayMs));
    else forward(incoming, outgoing, fault);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...stats, byMode: { ...stats.byMode }, failedInOutages: { ...stats.failedInOutages } }),
    setFaultRate(rate) {
      faultRate = checkedRate(rate);
    },
    async outage(mode, ms) {
      if (openOutage) throw new Error('an outage window is already open');
      const window = { mode, stalled: new Set<IncomingMessage>() };
      openOutage = window;
      stats.outages += 1;
      // The window's length is the fault being injected, not a wait for a condition.
      await new Promise((resolve) => setTimeout(resolve, ms));
      openOutage = undefined;
      window.stalled.forEach((incoming) => incoming.socket.destroy());
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** The eligible request that is faulted when none before it was (at any rate above 0). */
const FIRST_FAULT_BY = 3;

function checkedRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`a fault rate is between 0 and 1, not ${rate}`);
  return rate;
}

/**
 * SQS sends as the AWS SDK v3 makes them: SQS's JSON protocol, one `POST /` per call naming the
 * operation in `X-Amz-Target` (`AmazonSQS.SendMessage`, `AmazonSQS.SendMessageBatch`).
 */
export function isSqsSend(incoming: IncomingMessage): boolean {
  const operation = incoming.headers['x-amz-target'];
  return operation === 'AmazonSQS.SendMessage' || operation === 'AmazonSQS.SendMessageBatch';
}
