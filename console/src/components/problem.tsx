import { ApiError } from '../api';

/** An API failure as the API described it (title and detail), announced to screen readers. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.status} ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <p class="problem" role="alert">
      {text}
    </p>
  );
}
