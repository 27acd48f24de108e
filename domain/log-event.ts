import { Type, type Static } from '@sinclair/typebox';

export const SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LIMITS = {
  actionLength: 128,
  idLength: 256,
  resourceLength: 128,
  messageBytes: 8 * 1024,
  userAgentLength: 1024,
  objectBytes: 16 * 1024,
  eventIdLength: 128,
  futureSkewMs: 5 * 60 * 1000,
} as const;

const caseInsensitive = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
const severityPattern = `^(?:${SEVERITIES.map(caseInsensitive).join('|')})$`;

/**
 * Exactly the addresses both stores hold, in the JSON Schema formats every OpenAPI tool knows (there is
 * no standard `ip` format): IPv4 dotted quads without leading zeros, IPv6 text forms without a zone id.
 */
export const IpAddress = (description: string) => Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6' })], { description });

const JsonObject = Type.Object({}, { additionalProperties: true, description: `A JSON object, at most ${LIMITS.objectBytes} bytes serialised.` });

/** What a client may send for one event (api.md, "A log event"). Unknown fields are rejected. */
export const LogEventInputSchema = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: LIMITS.actionLength, examples: ['user.login'], description: 'Not starting with audit_log. (reserved for the records of reads the service writes).' }),
    severity: Type.String({ pattern: severityPattern, description: 'INFO, WARNING, ERROR or CRITICAL (any case in, upper case out).', examples: ['INFO'] }),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idLength, description: "The actor; defaults to the token's sub." })),
    session_id: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    resource: Type.Optional(Type.String({ maxLength: LIMITS.resourceLength })),
    resource_id: Type.Optional(Type.String({ maxLength: LIMITS.idLength })),
    message: Type.Optional(Type.String({ maxLength: LIMITS.messageBytes, description: `At most ${LIMITS.messageBytes} bytes of UTF-8.` })),
    ip_address: Type.Optional(IpAddress('An IPv4 or IPv6 address.')),
    user_agent: Type.Optional(Type.String({ maxLength: LIMITS.userAgentLength })),
    before_state: Type.Optional(JsonObject),
    after_state: Type.Optional(JsonObject),
    metadata: Type.Optional(JsonObject),
    event_timestamp: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; defaults to the time received; at most 5 minutes in the future and not older than the deployment\'s horizon (5 years by default).' })),
    event_id: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.eventIdLength, description: 'Client key, unique per tenant: a repeat returns the original event.' })),
  },
  { additionalProperties: false, $id: 'LogEventInput' },
);

export type LogEventInput = Static<typeof LogEventInputSchema>;

/** A stored event, as the API returns it. */
export interface LogEvent {
  id: string;
  tenant_id: string;
  received_at: string;
  action: string;
  severity: Severity;
  user_id: string;
  session_id: string | null;
  resource: string | null;
  resource_id: string | null;
  message: string | null;
  ip_address: string | null;
  user_agent: string | null;
  before_state: Record<string, unknown> | null;
  after_state: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  event_timestamp: string;
  event_id: string | null;
}

/**
 * A validated event about to be written: the stored event's fields with its instants as dates,
 * less the tenant (the transaction's, never the row's own say), plus the hash that tells an
 * `event_id` replay of the same content from a conflicting one (null for an event without one).
 */
export type NewLogRow = Omit<LogEvent, 'tenant_id' | 'received_at' | 'event_timestamp'> & {
  received_at: Date;
  event_timestamp: Date;
  content_sha256: Buffer | null;
};

/** The columns of `logs` in table order: the order of CSV export columns. */
export const LOG_COLUMNS = [
  'id', 'tenant_id', 'received_at', 'action', 'severity', 'user_id', 'session_id', 'resource', 'resource_id',
  'message', 'ip_address', 'user_agent', 'before_state', 'after_state', 'metadata', 'event_timestamp', 'event_id',
] as const satisfies readonly (keyof LogEvent)[];
