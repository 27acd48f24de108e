import type { PlannedRequest } from './load-plan';

/** What the API answered for one event: the id it gave, and whether the answer said "new" (201) or "repeat" (200). */
export interface Acknowledgement {
  tenantId: string;
  id: string;
  status: 200 | 201;
}

export interface LoadOptions {
  apiUrl: string;
  tokens: ReadonlyMap<string, string>;
  requests: readonly PlannedRequest[];
  clients: number;
  /** Resolves when the API serves again; a client whose connection failed waits on it before retrying. */
  apiReady: () => Promise<void>;
  /** Bounds one request's retries, so a request the service can never accept fails the run instead of spinning. */
  maxAttemptsPerRequest?: number;
}

export interface LoadResult {
  acknowledged: Map<string, Acknowledgement>;
  httpAttempts: number;
  /** Attempts that ended without an answer (connection refused or cut, e.g. while the API was down). */
  connectionFailures: number;
  /** Attempts answered with a status that asks for a retry (429, 5xx), by status. */
  retriedStatuses: Record<string, number>;
  /** Events acknowledged with 200: an earlier attempt had committed them but its answer never arrived. */
  acknowledgedAsRepeat: number;
  durationMs: number;
}

export class LoadClients {
  readonly acknowledged = new Map<string, Acknowledgement>();
  private httpAttempts = 0;
  private connectionFailures = 0;
  private readonly retriedStatuses: Record<string, number> = {};
  private next = 0;

  constructor(private readonly options: LoadOptions) {}

  /** Events acknowledged so far: what the kill schedule watches to pick its moments. */
  acknowledgedEvents(): number {
    return this.acknowledged.size;
  }

  async run(): Promise<LoadResult> {
    const started = Date.now();
    await Promise.all(Array.from({ length: this.options.clients }, () => this.client()));
    const acknowledgedAsRepeat = [...this.acknowledged.values()].filter((ack) => ack.status === 200).length;
    return {
      acknowledged: this.acknowledged,
      httpAttempts: this.httpAttempts,
      connectionFailures: this.connectionFailures,
      retriedStatuses: { ...this.retriedStatuses },
      acknowledgedAsRepeat,
      durationMs: Date.now() - started,
    };
  }

  private async client(): Promise<void> {
    while (this.next < this.options.requests.length) {
      const request = this.options.requests[this.next++] as PlannedRequest;
      await this.sendUntilAcknowledged(request);
    }
  }

  /** Sends the same body until it is answered 201 or 200, as a careful client of an audit log would. */
  private async sendUntilAcknowledged(request: PlannedRequest): Promise<void> {
    const { apiUrl, tokens, maxAttemptsPerRequest = 500 } = this.options;
    const path = request.kind === 'bulk' ? '/api/v1/logs/bulk' : '/api/v1/logs';
    const body = JSON.stringify(request.kind === 'bulk' ? { logs: request.events } : request.events[0]);
    const headers = { authorization: `Bearer ${tokens.get(request.tenantId) as string}`, 'content-type': 'application/json' };
    for (let attempt = 1; attempt <= maxAttemptsPerRequest; attempt++) {
      this.httpAttempts += 1;
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
        text = await response.text();
      } catch {
        this.connectionFailures += 1;
        await this.options.apiReady();
        await pace(attempt);
        continue;
      }
      if (response.status === 201 || response.status === 200) {
        this.record(request, response.status, JSON.parse(text) as { id?: string; ids?: string[] });
        return;
      }
      if (response.status === 429 || response.status >= 500) {
        this.retriedStatuses[response.status] = (this.retriedStatuses[response.status] ?? 0) + 1;
        await pace(attempt);
        continue;
      }
      throw new Error(`${path} for tenant ${request.tenantId} (first event_id ${request.events[0]?.event_id}) answered ${response.status}, which no retry of the same body can change: ${text}`);
    }
    throw new Error(`${path} (first event_id ${request.events[0]?.event_id}) was not acknowledged after ${maxAttemptsPerRequest} attempts`);
  }

  private record(request: PlannedRequest, status: 200 | 201, answer: { id?: string; ids?: string[] }) {
    const ids = request.kind === 'bulk' ? answer.ids : [answer.id];
    if (!ids || ids.length !== request.events.length || ids.some((id) => typeof id !== 'string')) {
      throw new Error(`${request.kind} request answered ${status} without one id per event: ${JSON.stringify(answer)}`);
    }
    request.events.forEach((event, index) => this.acknowledged.set(event.event_id, { tenantId: request.tenantId, id: ids[index] as string, status }));
  }
}

/** Paces retries (a client's backoff, growing to half a second), not a wait for a condition. */
function pace(attempt: number): Promise<void> {
  const ms = Math.min(500, 20 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
