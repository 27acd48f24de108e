import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The root cause's message, which is what an operator reading the task row needs. */
export function failureMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof ApplicationFailure && current.type) return `${current.type}: ${current.message}`;
  return current instanceof Error ? current.message : String(current);
}
