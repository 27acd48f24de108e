import { useEffect, useRef, useState } from 'preact/hooks';
import { EventTable } from '../components/event-table';
import { FilterForm, type Filters } from '../components/filters';
import { openTail, storedTail, type TailState } from '../live-tail';
import type { Session } from '../session';

const STATUS_TEXT: Record<TailState['status'], string> = {
  connecting: 'Connecting…',
  live: 'Live',
  paused: 'Paused',
  reconnecting: 'Reconnecting…',
};

export function TailPage({ session }: { session: Session }) {
  // The filters of the last tail of this browser tab, so a reload resumes the same subscription.
  const [filters, setFilters] = useState<Filters>(() => storedTail().filters);
  const [state, setState] = useState<TailState>();
  const tail = useRef<ReturnType<typeof openTail> | undefined>(undefined);

  useEffect(() => {
    const opened = openTail(session, filters, setState);
    tail.current = opened;
    return () => opened.close();
  }, [JSON.stringify(filters), session.tenantId]);

  const paused = state?.status === 'paused';
  return (
    <section aria-labelledby="tail-title">
      <h1 id="tail-title">Live tail</h1>
      <FilterForm id="tail" live initial={filters} submitLabel="Apply filters" onSubmit={setFilters} />
      <div class="toolbar tail-status">
        <span class={`status ${state?.status ?? 'connecting'}`} role="status" data-status={state?.status ?? 'connecting'}>
          {STATUS_TEXT[state?.status ?? 'connecting']}
        </span>
        <button type="button" onClick={() => (paused ? tail.current?.resume() : tail.current?.pause())}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span class="cursor">
          Resume cursor: <output id="tail-cursor">{state?.cursor ?? (state?.resumable === false ? 'not offered by this server' : 'none yet')}</output>
        </span>
      </div>
      {state?.resumable === false && <p class="note">This server sends no resume cursors: a reload or a pause starts again from now, and events in between are not shown.</p>}
      {state?.note && (
        <p class="note" aria-live="polite">
          {state.note}
        </p>
      )}
      <EventTable events={state?.events ?? []} caption={`${state?.events.length ?? 0} events received, newest first`} />
    </section>
  );
}
