/** The task row an activity was asked to work on does not exist: no retry can make it appear. */
export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
}
