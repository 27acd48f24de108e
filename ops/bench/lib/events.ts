import type { LogEventInput } from '../../../domain/log-event';

/** A small seeded generator (mulberry32), so every run and every anchor sees the same events. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = [
  'user.login', 'user.logout', 'user.password_reset', 'document.create', 'document.update', 'document.delete', 'document.share',
  'invoice.create', 'invoice.pay', 'role.grant', 'role.revoke', 'api_key.rotate', 'project.archive', 'CREATE', 'UPDATE', 'DELETE', 'VIEW',
];
const RESOURCES = ['session', 'document', 'invoice', 'role', 'api_key', 'project', 'user', 'webhook'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1', 'sa-east-1'];
const PLANS = ['free', 'team', 'business', 'enterprise'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'billing-service/4.2.1 (+https://example.com/bot) node/20.14',
  'curl/8.7.1',
];
const WORDS = [
  'signed', 'in', 'from', 'new', 'device', 'changed', 'the', 'billing', 'address', 'exported', 'report', 'quarterly', 'revenue',
  'granted', 'access', 'to', 'shared', 'folder', 'rotated', 'credentials', 'after', 'policy', 'review', 'failed', 'attempt', 'blocked',
  'suspicious', 'location', 'approved', 'request', 'by', 'manager', 'deleted', 'draft', 'invoice', 'customer', 'contract',
];
/** Search terms that occur in messages at known rates (`q` scenarios use them). */
export const SEARCH_WORDS = ['invoice', 'suspicious', 'contract', 'quarterly'] as const;

/** Severity mix of a real audit trail: mostly INFO. */
function severityOf(draw: number): string {
  if (draw < 0.8) return 'INFO';
  if (draw < 0.92) return 'WARNING';
  if (draw < 0.98) return 'ERROR';
  return 'CRITICAL';
}

export interface EventOptions {
  /** Events are spread evenly over [startMs, endMs) when given; otherwise the server stamps them. */
  startMs?: number;
  endMs?: number;
}

/** A generator of realistic events (~0.5 KB serialised, with metadata) for one tenant. */
export function eventGenerator(seed: number, options: EventOptions = {}) {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const users = Array.from({ length: 200 }, (_, i) => `user-${String(i).padStart(4, '0')}@corp.example`);

  return function next(index: number, total: number): LogEventInput {
    const action = pick(ACTIONS);
    const resource = pick(RESOURCES);
    const words = Array.from({ length: 8 + Math.floor(random() * 8) }, () => pick(WORDS));
    const event: LogEventInput = {
      action,
      severity: severityOf(random()),
      user_id: pick(users),
      session_id: `sess_${hex(24)}`,
      resource,
      resource_id: `${resource}_${hex(16)}`,
      message: `${words.join(' ')}.`,
      ip_address: random() < 0.85 ? `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}` : `2001:db8::${hex(4)}`,
      user_agent: pick(AGENTS),
      metadata: {
        request_id: `req_${hex(20)}`,
        region: pick(REGIONS),
        plan: pick(PLANS),
        duration_ms: Math.floor(random() * 900),
        tags: [pick(WORDS), pick(WORDS)],
        client: { name: 'web-console', version: `3.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}` },
      },
    };
    if (action.endsWith('update') || action === 'UPDATE') {
      event.before_state = { status: 'draft', owner: pick(users) };
      event.after_state = { status: 'published', owner: pick(users) };
    }
    if (options.startMs !== undefined && options.endMs !== undefined) {
      const at = options.startMs + ((options.endMs - options.startMs) * index) / Math.max(1, total);
      event.event_timestamp = new Date(at).toISOString();
    }
    return event;
  };
}

/** `count` events of one generator. */
export function generateEvents(seed: number, count: number, options: EventOptions = {}): LogEventInput[] {
  const next = eventGenerator(seed, options);
  return Array.from({ length: count }, (_, index) => next(index, count));
}
