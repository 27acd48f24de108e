import { useEffect, useState } from 'preact/hooks';
import { apiUrl, getJson } from '../api';
import type { LogEvent } from '../components/event-table';
import { Problem } from '../components/problem';
import { diffStates } from '../diff';
import type { Session } from '../session';

const FIELDS = ['id', 'event_timestamp', 'received_at', 'severity', 'action', 'user_id', 'session_id', 'resource', 'resource_id', 'ip_address', 'user_agent', 'event_id', 'seq'];

function StateDiff({ event }: { event: LogEvent }) {
  if (!event.before_state && !event.after_state) return <p>This event records no before or after state.</p>;
  const rows = diffStates(event.before_state, event.after_state);
  const changed = rows.filter((row) => row.change !== 'unchanged').length;
  return (
    <div class="table-wrap">
      <table class="diff">
        <caption>
          Before and after: {changed} of {rows.length} fields changed
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Change</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path} class={row.change}>
              <th scope="row">{row.path}</th>
              <td>{row.change}</td>
              <td>
                <code>{row.before ?? '—'}</code>
              </td>
              <td>
                <code>{row.after ?? '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventPage({ session, id }: { session: Session; id: string }) {
  const [event, setEvent] = useState<LogEvent>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setEvent(undefined);
    getJson<LogEvent>(session, apiUrl(session, `/logs/${encodeURIComponent(id)}`)).then(setEvent, setError);
  }, [id]);

  return (
    <section aria-labelledby="event-title">
      <p>
        <button type="button" class="link" onClick={() => history.back()}>
          ← Back
        </button>
      </p>
      <h1 id="event-title">{event ? `${event.action} · ${event.severity}` : 'Event'}</h1>
      <Problem error={error} />
      {event && (
        <>
          {event.message && <p class="lead">{event.message}</p>}
          <dl class="fields">
            {FIELDS.filter((name) => event[name] !== undefined && event[name] !== null).map((name) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{String(event[name])}</dd>
              </div>
            ))}
          </dl>
          <h2>Change</h2>
          <StateDiff event={event} />
          {event.metadata !== undefined && event.metadata !== null && (
            <>
              <h2>Metadata</h2>
              <pre class="json">{JSON.stringify(event.metadata, null, 2)}</pre>
            </>
          )}
        </>
      )}
    </section>
  );
}
