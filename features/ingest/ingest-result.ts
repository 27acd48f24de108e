export interface IngestedEvent {
  id: string;
  event_timestamp: string;
  received_at: string;
  /** True when a repeated `event_id` matched an event stored earlier: nothing was written for it. */
  duplicate: boolean;
}

export interface IngestResult {
  events: IngestedEvent[];
  /** The reindex task that carries the new events to search; null when every event was a repeat. */
  taskId: string | null;
}
