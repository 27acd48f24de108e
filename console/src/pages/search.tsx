import { useEffect, useState } from 'preact/hooks';
import { apiUrl, getJson } from '../api';
import { EventTable, type LogEvent } from '../components/event-table';
import { FilterForm, filtersFrom, type Filters } from '../components/filters';
import { Problem } from '../components/problem';
import { Timeline, type Stats } from '../components/timeline';
import { navigate, type Route } from '../route';
import type { Session } from '../session';

interface SearchPage {
  total: number;
  total_relation: 'eq' | 'gte';
  items: LogEvent[];
  next_cursor: string | null;
}

const HOUR = 3_600_000;

/** Buckets small enough to show a shape, few enough to draw: minutes up to 3 hours, hours up to 10 days, then days. */
function intervalFor(filters: Filters): string {
  const end = filters.end_time ? Date.parse(filters.end_time) : Date.now();
  const start = filters.start_time ? Date.parse(filters.start_time) : end - 24 * HOUR;
  const span = end - start;
  return span <= 3 * HOUR ? 'minute' : span <= 240 * HOUR ? 'hour' : 'day';
}

export function SearchPage({ session, route }: { session: Session; route: Route }) {
  const filters = filtersFrom(route.params);
  const sort = route.params.get('sort') ?? 'event_timestamp:desc';
  const pageSize = route.params.get('page_size') ?? '20';
  const key = JSON.stringify([filters, sort, pageSize, session.tenantId]);
  // Cursors of the pages before this one, to go back; the last is the one that fetched this page.
  const [paging, setPaging] = useState<{ key: string; cursors: Array<string | undefined> }>({ key, cursors: [undefined] });
  const cursors = paging.key === key ? paging.cursors : [undefined];
  const setCursors = (next: Array<string | undefined>) => setPaging({ key, cursors: next });
  // Tagged with what it answers: the last page stays in view (and the pager keeps focus) while the next loads.
  const [result, setResult] = useState<{ for: string; first: number; page: SearchPage }>();
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState<unknown>();
  const cursor = cursors[cursors.length - 1];
  const request = JSON.stringify([key, cursor]);
  const page = result?.page;
  const loading = result?.for !== request;

  useEffect(() => {
    let live = true;
    setError(undefined);
    const query = cursor ? { cursor } : { ...filters, sort, page_size: pageSize };
    getJson<SearchPage>(session, apiUrl(session, '/logs', query)).then(
      (answer) => live && setResult({ for: request, first: (cursors.length - 1) * Number(pageSize) + 1, page: answer }),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [request]);
  useEffect(() => {
    let live = true;
    getJson<Stats>(session, apiUrl(session, '/logs/stats', { ...filters, interval: intervalFor(filters) })).then(
      (answer) => live && setStats(answer),
      () => live && setStats(undefined),
    );
    return () => {
      live = false;
    };
  }, [key]);

  const pageNumber = cursors.length;
  const from = result?.first ?? 1;
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <FilterForm id="search" key={key} initial={filters} submitLabel="Search" onSubmit={(next) => navigate('/search', { ...next, sort, page_size: pageSize })} />
      <div class="toolbar">
        <label for="search-sort">Order</label>
        <select id="search-sort" value={sort} onChange={(event) => navigate('/search', { ...filters, sort: event.currentTarget.value, page_size: pageSize })}>
          <option value="event_timestamp:desc">Newest first</option>
          <option value="event_timestamp:asc">Oldest first</option>
        </select>
        <label for="search-page-size">Per page</label>
        <select id="search-page-size" value={pageSize} onChange={(event) => navigate('/search', { ...filters, sort, page_size: event.currentTarget.value })}>
          {['10', '20', '50', '100'].map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      {stats && <Timeline stats={stats} />}
      <Problem error={error} />
      {page && (
        <div aria-busy={loading}>
          <EventTable
            events={page.items}
            caption={
              page.items.length === 0
                ? 'No events match.'
                : `Events ${from}–${from + page.items.length - 1} of ${page.total_relation === 'gte' ? 'at least ' : ''}${page.total}`
            }
          />
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={loading || pageNumber === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <span aria-live="polite">Page {pageNumber}</span>
            <button type="button" disabled={loading || !page.next_cursor} onClick={() => page.next_cursor && setCursors([...cursors, page.next_cursor])}>
              Next page
            </button>
          </nav>
        </div>
      )}
    </section>
  );
}
