import { createSignedJson, UnsignedTokenError } from '../../platform/auth/signed-json';
import { LiveEvent, type PositionedEvent } from './live-event';

/**
 * What a live-tail cursor names: an event's position in its tenant's commit order (logs.position,
 * migration 095) and when the event was received, which dates the cursor for the resume window.
 */
export interface StreamPoint {
  tenantId: string;
  position: number;
  receivedAtMs: number;
}

interface CursorPayload {
  v: 1;
  t: string;
  p: number;
  r: number;
}

/** Close codes of a resume that cannot be honoured; sent before any event. */
export const RESUME_CLOSE_CODES = {
  /** Not a cursor of this tenant issued by this service, or altered. */
  invalid: 4400,
  /** Older than the resume window: replaying it is refused rather than silently cut short. */
  tooOld: 4410,
} as const;

export type ResumeRefusal = { code: (typeof RESUME_CLOSE_CODES)[keyof typeof RESUME_CLOSE_CODES]; reason: string };

const PURPOSE = 'audit-log/stream-cursor/v1';

function isPayload(value: unknown): value is CursorPayload {
  const p = value as Partial<CursorPayload> | null;
  return typeof p === 'object' && p !== null && p.v === 1 && typeof p.t === 'string' && Number.isSafeInteger(p.p) && (p.p as number) >= 1 && Number.isSafeInteger(p.r);
}

/**
 * The `cursor` of every `{"type":"log"}` message: `base64url({"v":1,"t":tenant,"p":position,"r":received_at ms})`,
 * a dot, and its HMAC-SHA256 under CURSOR_SECRET (platform/auth/signed-json). Opaque to clients.
 */
export function createStreamCursors(secret: string) {
  const signed = createSignedJson(secret, PURPOSE);

  const encode = (point: StreamPoint): string => signed.encode({ v: 1, t: point.tenantId, p: point.position, r: point.receivedAtMs } satisfies CursorPayload);

  return {
    encode,

    /** The event ready for sockets, with its cursor. */
    liveEvent(tenantId: string, { event, position }: PositionedEvent): LiveEvent {
      return new LiveEvent(event, position, encode({ tenantId, position, receivedAtMs: Date.parse(event.received_at) }));
    },

    /** Where a stream of `tenantId` resumes after `cursor`, or why it may not (checked against the window, at `nowMs`). */
    resumePoint(cursor: string, tenantId: string, windowMs: number, nowMs: number): StreamPoint | ResumeRefusal {
      let payload: unknown;
      try {
        payload = signed.decode(cursor);
      } catch (error) {
        if (!(error instanceof UnsignedTokenError)) throw error;
        return { code: RESUME_CLOSE_CODES.invalid, reason: 'after is not a cursor this service issued' };
      }
      if (!isPayload(payload)) return { code: RESUME_CLOSE_CODES.invalid, reason: 'after is not a cursor this service issued' };
      if (payload.t !== tenantId) return { code: RESUME_CLOSE_CODES.invalid, reason: "after is a cursor of another tenant's stream" };
      if (nowMs - payload.r > windowMs) return { code: RESUME_CLOSE_CODES.tooOld, reason: `after is older than the resume window (${Math.round(windowMs / 1000)} s); search for older events` };
      return { tenantId: payload.t, position: payload.p, receivedAtMs: payload.r };
    },
  };
}

export type StreamCursors = ReturnType<typeof createStreamCursors>;

export const isResumeRefusal = (value: StreamPoint | ResumeRefusal): value is ResumeRefusal => 'code' in value;
