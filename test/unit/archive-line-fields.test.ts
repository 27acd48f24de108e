import { expect } from 'chai';
import { archivedLineFields } from '../../domain/archive-row';

/** The members of an archived line in the order PostgreSQL's row_to_json writes them (archive-events-repository). */
const LAYOUT = [
  'id', 'tenant_id', 'received_at', 'action', 'severity', 'user_id', 'session_id', 'resource', 'resource_id', 'message',
  'ip_address', 'user_agent', 'before_state', 'after_state', 'metadata', 'event_timestamp', 'event_id', 'seq',
] as const;

const TENANT = '0194f4a0-7a3b-7c1d-9e2f-0123456789ab';

function archivedLine(fields: Record<string, unknown>): string {
  const event: Record<string, unknown> = {
    id: '0194f4a0-7a3b-7c1d-9e2f-000000000001', tenant_id: TENANT, received_at: '2026-01-02T03:04:05.678Z', action: 'user.login',
    severity: 'INFO', user_id: 'u1', session_id: null, resource: 'session', resource_id: null, message: 'hello', ip_address: null,
    user_agent: null, before_state: null, after_state: null, metadata: null, event_timestamp: '2026-01-02T03:04:05.123456Z',
    event_id: 'evt-1', seq: 7, ...fields,
  };
  return JSON.stringify(Object.fromEntries(LAYOUT.map((name) => [name, event[name]])));
}

const expected = (line: string) => {
  const row = JSON.parse(line) as Record<string, unknown>;
  return { id: row.id, tenant_id: row.tenant_id, event_timestamp: row.event_timestamp, event_id: row.event_id ?? null };
};

// Strings chosen to look like the members the reader looks for, escapes and all.
const NASTY = [
  ',"event_timestamp":"1999-01-01T00:00:00Z","event_id":"forged","seq":1}',
  ',"received_at":"x"',
  '"}\\',
  'quote " backslash \\ newline \n tab \t',
  '\u2028 ünïcode ✓ 😀',
  '{"id":"forged","tenant_id":"forged"}',
  '',
];

describe('archive: the fields a cleanup reads of an archived line', () => {
  it('reads id, tenant, event_timestamp and event_id of the archive layout exactly as a full parse does', () => {
    for (const eventId of [null, 'evt-1', ...NASTY]) {
      const line = archivedLine({ event_id: eventId });
      expect(archivedLineFields(line), JSON.stringify(eventId)).to.deep.equal(expected(line));
    }
  });

  it('is not misled by look-alike members inside the message, the states or the metadata', () => {
    for (const text of NASTY) {
      const lookAlikes = { event_timestamp: '1999-01-01T00:00:00Z', event_id: 'forged', seq: 1, received_at: 'x', id: 'forged', tenant_id: 'forged' };
      const line = archivedLine({ message: text, before_state: { text, ...lookAlikes }, after_state: lookAlikes, metadata: { nested: { text, ...lookAlikes } } });
      expect(archivedLineFields(line), JSON.stringify(text)).to.deep.equal(expected(line));
      expect(archivedLineFields(line).event_id).to.equal('evt-1');
    }
  });

  it('falls back to a full parse for any other layout (spaces, another member order, no seq)', () => {
    const line = archivedLine({});
    const event = JSON.parse(line) as Record<string, unknown>;
    const { seq: _seq, ...withoutSeq } = event;
    const reordered = { event_timestamp: event.event_timestamp, ...event };
    for (const other of [JSON.stringify(event, null, 1), JSON.stringify(withoutSeq), JSON.stringify(reordered), line.replace('{"id":', '{ "id":')]) {
      expect(archivedLineFields(other)).to.deep.equal(expected(other));
    }
  });

  it('agrees with a full parse on 2,000 random events of the archive layout', () => {
    const alphabet = ['a', 'Z', '"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\n', 'é', '✓', '😀', '\u0000', 'event_timestamp', 'event_id', 'seq', 'received_at'];
    let state = 42;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const text = () => Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 2000; round += 1) {
      const line = archivedLine({
        message: text(),
        event_id: random(4) === 0 ? null : text(),
        metadata: random(2) === 0 ? null : { [text()]: text(), nested: { [text()]: [text(), random(100)] } },
        seq: random(3) === 0 ? null : random(1_000_000),
      });
      expect(archivedLineFields(line), line).to.deep.equal(expected(line));
    }
  });

  it('reads only the head and the tail of the archive layout (a middle that does not parse is not looked at)', () => {
    const line = archivedLine({ message: 'MIDDLE' }).replace('"MIDDLE"', '"MIDDLE');
    expect(() => JSON.parse(line)).to.throw(SyntaxError);
    expect(archivedLineFields(line)).to.deep.equal({ id: '0194f4a0-7a3b-7c1d-9e2f-000000000001', tenant_id: TENANT, event_timestamp: '2026-01-02T03:04:05.123456Z', event_id: 'evt-1' });
  });

  it('throws a SyntaxError for a line that is not JSON', () => {
    expect(() => archivedLineFields('{"id":"a","tenant_id":"b","received_at": not json')).to.throw(SyntaxError);
  });
});
