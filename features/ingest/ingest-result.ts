export interface IngestedEvent {
  id: string;
  /** Instants as dates: a bulk answer names only ids, so formatting is left to who shows them. */
  event_timestamp: Date;
  received_at: Date;
  /** True when a repeated `event_id` matched an event stored earlier: nothing was written for it. */
  duplicate: boolean;
}

export interface IngestResult {
  events: IngestedEvent[];
  /** The reindex task that carries the new events to search; null when every event was a repeat. */
  taskId: string | null;
}
