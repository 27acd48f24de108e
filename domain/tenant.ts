import { Type, type Static } from '@sinclair/typebox';
import { ViewerFiltersSchema } from './viewer-filters';

export const TENANT_LIMITS = {
  nameLength: 128,
  retentionDays: { min: 1, max: 36_500, fallback: 365 },
  perSecond: { min: 1, max: 100_000 },
  burst: { min: 1, max: 1_000_000 },
  subLength: 256,
  minTtlSeconds: 60,
} as const;

const TenantName = Type.String({
  minLength: 1,
  maxLength: TENANT_LIMITS.nameLength,
  pattern: '^\\S(.*\\S)?$',
  description: `1–${TENANT_LIMITS.nameLength} characters, no leading or trailing spaces; unique regardless of case.`,
  examples: ['acme'],
});
const RetentionDays = Type.Integer({
  minimum: TENANT_LIMITS.retentionDays.min,
  maximum: TENANT_LIMITS.retentionDays.max,
  description: `Days an event is kept before it is archived and removed (default ${TENANT_LIMITS.retentionDays.fallback}).`,
});
export const RateLimitSchema = Type.Object(
  {
    per_second: Type.Integer({ minimum: TENANT_LIMITS.perSecond.min, maximum: TENANT_LIMITS.perSecond.max, description: 'Sustained requests per second.' }),
    burst: Type.Integer({ minimum: TENANT_LIMITS.burst.min, maximum: TENANT_LIMITS.burst.max, description: 'Requests allowed at once from idle; at least per_second.' }),
  },
  { additionalProperties: false },
);

export const TenantCreateSchema = Type.Object(
  {
    name: TenantName,
    retention_days: Type.Optional(RetentionDays),
    rate_limit: Type.Optional(RateLimitSchema),
  },
  { additionalProperties: false, $id: 'TenantCreate' },
);
export type TenantCreate = Static<typeof TenantCreateSchema>;

export const TenantUpdateSchema = Type.Object(
  {
    name: Type.Optional(TenantName),
    retention_days: Type.Optional(RetentionDays),
    rate_limit: Type.Optional(Type.Union([RateLimitSchema, Type.Null()], { description: 'The tenant\'s own limits, or null for the service defaults.' })),
  },
  { additionalProperties: false, minProperties: 1, $id: 'TenantUpdate' },
);
export type TenantUpdate = Static<typeof TenantUpdateSchema>;

/** Tokens minted for a tenant act inside it; platform admin tokens are never minted through the API. */
export const MINTABLE_ROLES = ['user', 'auditor', 'viewer'] as const;
/** Viewer tokens are handed to end customers (e.g. embedded in a page): they live at most an hour. */
export const VIEWER_MAX_TTL_SECONDS = 3600;

export function tokenRequestSchema(maxTtlSeconds: number) {
  return Type.Object(
    {
      sub: Type.String({ minLength: 1, maxLength: TENANT_LIMITS.subLength, description: 'The user or service the token stands for.', examples: ['svc-billing'] }),
      role: Type.Unsafe<(typeof MINTABLE_ROLES)[number]>({
        type: 'string',
        enum: [...MINTABLE_ROLES],
        description: 'must be user, auditor or viewer (admin tokens are not minted for a tenant)',
      }),
      filters: Type.Optional(ViewerFiltersSchema),
      ttl_seconds: Type.Integer({
        minimum: TENANT_LIMITS.minTtlSeconds,
        maximum: maxTtlSeconds,
        default: Math.min(3600, maxTtlSeconds),
        description: `Lifetime in seconds, ${TENANT_LIMITS.minTtlSeconds} to ${maxTtlSeconds}; at most ${VIEWER_MAX_TTL_SECONDS} for a viewer.`,
      }),
    },
    { additionalProperties: false },
  );
}
export type TokenRequestBody = Static<ReturnType<typeof tokenRequestSchema>>;

/** What the schema cannot say: filters belong to viewers only, and a viewer's lifetime is short. */
export function checkTokenRequestRule(request: TokenRequestBody): { path: string; message: string }[] {
  const errors = [];
  if (request.filters !== undefined && request.role !== 'viewer') errors.push({ path: '/filters', message: 'only a viewer token takes filters' });
  if (request.role === 'viewer' && request.ttl_seconds > VIEWER_MAX_TTL_SECONDS) {
    errors.push({ path: '/ttl_seconds', message: `must be at most ${VIEWER_MAX_TTL_SECONDS} for a viewer token` });
  }
  return errors;
}

/** A tenant as the API returns it; `rate_limit` is what applies, the tenant's own or the defaults. */
export const TenantSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    retention_days: Type.Integer(),
    rate_limit: Type.Object({ per_second: Type.Integer(), burst: Type.Integer(), is_default: Type.Boolean() }),
    suspended: Type.Boolean({ description: 'While true, every token of the tenant gets 401; its logs are kept and retention keeps running.' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Tenant' },
);
export type TenantView = Static<typeof TenantSchema>;

export const IssuedTokenSchema = Type.Object(
  {
    token: Type.String({ description: 'A JWT; shown once, never stored or logged.' }),
    expires_at: Type.String({ format: 'date-time' }),
    token_id: Type.String({ format: 'uuid', description: 'The jti claim, as recorded in the token.issued audit event.' }),
  },
  { $id: 'IssuedToken' },
);

const Time = Type.String({ format: 'date-time' });
const TimeOrNull = Type.Union([Time, Type.Null()]);

/** A minted token as recorded: never the token itself. */
export const TokenRecordSchema = Type.Object(
  {
    token_id: Type.String({ format: 'uuid', description: 'The jti claim of the token.' }),
    sub: Type.String(),
    role: Type.String(),
    expires_at: Time,
    created_at: Time,
    last_used_at: Type.Union([Time, Type.Null()], { description: 'Recorded coarsely: up to a minute late.' }),
    revoked_at: TimeOrNull,
    filters: Type.Union([ViewerFiltersSchema, Type.Null()], { description: "A viewer token's fixed filters; null for none." }),
  },
  { $id: 'TokenRecord' },
);

/** The rule JSON Schema cannot express: a burst never smaller than the sustained rate. */
export function checkRateLimitRule(rateLimit: { per_second: number; burst: number } | null | undefined): { path: string; message: string }[] {
  if (!rateLimit || rateLimit.burst >= rateLimit.per_second) return [];
  return [{ path: '/rate_limit/burst', message: 'must be at least per_second' }];
}
