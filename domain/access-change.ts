/**
 * A change to who may call the API, announced to every API process so each refuses the token (or
 * every token of the tenant) from memory, and closes the live-tail sockets opened with it.
 */
export type AccessChange =
  | { kind: 'token-revoked'; token_id: string; expires_at: string }
  | { kind: 'tenant-suspended'; tenant_id: string }
  | { kind: 'tenant-resumed'; tenant_id: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 256;

/** Reads an announced change; anything else (a foreign or future message) is undefined and ignored. */
export function parseAccessChange(raw: string): AccessChange | undefined {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(message)) return undefined;
  if (message.kind === 'token-revoked' && isText(message.token_id) && isText(message.expires_at) && !Number.isNaN(Date.parse(message.expires_at))) {
    return { kind: 'token-revoked', token_id: message.token_id.toLowerCase(), expires_at: message.expires_at };
  }
  if ((message.kind === 'tenant-suspended' || message.kind === 'tenant-resumed') && isText(message.tenant_id)) {
    return { kind: message.kind, tenant_id: message.tenant_id.toLowerCase() };
  }
  return undefined;
}
