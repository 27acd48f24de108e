/** A client `event_id` that was already used for different content in this tenant. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly index: number,
    readonly eventId: string,
  ) {
    super(`event_id ${JSON.stringify(eventId)} was already used for a different event`);
  }
}
