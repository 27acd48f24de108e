import { Type } from '@sinclair/typebox';
import { SEVERITIES } from '../../domain/log-event';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const JsonObjectOrNull = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]);

/** A stored event as the API returns it (domain/log-event.ts `LogEvent`), for the OpenAPI document. */
export const LogEventSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    tenant_id: Type.String({ format: 'uuid' }),
    received_at: Type.String({ format: 'date-time' }),
    action: Type.String(),
    severity: Type.Unsafe<string>({ type: 'string', enum: [...SEVERITIES] }),
    user_id: Type.String(),
    session_id: Nullable(Type.String()),
    resource: Nullable(Type.String()),
    resource_id: Nullable(Type.String()),
    message: Nullable(Type.String()),
    ip_address: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    before_state: JsonObjectOrNull,
    after_state: JsonObjectOrNull,
    metadata: JsonObjectOrNull,
    event_timestamp: Type.String({ format: 'date-time' }),
    event_id: Nullable(Type.String()),
    seq: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: "The event's position in the tenant's tamper-evident log (leaf index seq - 1); null until it is sealed." }),
    ),
    restored: Type.Optional(Type.Literal(true, { description: 'Present only on the restored copy of an archived event (search, stats and export with include_restored=true).' })),
  },
  { additionalProperties: false, $id: 'LogEvent' },
);
