/** `stale`: the message names a generation that is not the task's current one, or a task no longer waiting to start. */
export type StartOutcome = 'started' | 'already-started' | 'stale';
