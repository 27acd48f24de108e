/** The task row an activity was asked to work on does not exist: no retry can make it appear. */
export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
}

/** A task's payload does not describe work this activity can do: retrying the same payload cannot help. */
export class InvalidTaskPayloadError extends Error {
  override readonly name = 'InvalidTaskPayloadError';
}

/** A task is not in the state this step requires (e.g. completed by another run): retrying cannot change that. */
export class TaskStateError extends Error {
  override readonly name = 'TaskStateError';
}
