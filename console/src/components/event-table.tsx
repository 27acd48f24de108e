import { href } from '../route';

export interface LogEvent {
  id: string;
  action: string;
  severity: string;
  user_id?: string | null;
  resource?: string | null;
  resource_id?: string | null;
  message?: string | null;
  event_timestamp: string;
  [field: string]: unknown;
}

/** Events as rows; each links to its detail page. */
export function EventTable({ events, caption }: { events: LogEvent[]; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="events">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Action</th>
            <th scope="col">User</th>
            <th scope="col">Resource</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-event-id={event.id}>
              <td>
                <a href={href(`/events/${event.id}`)}>{new Date(event.event_timestamp).toLocaleString()}</a>
              </td>
              <td>
                <span class={`severity ${event.severity.toLowerCase()}`}>{event.severity}</span>
              </td>
              <td>{event.action}</td>
              <td>{event.user_id}</td>
              <td>{[event.resource, event.resource_id].filter(Boolean).join(' ')}</td>
              <td class="message">{event.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
