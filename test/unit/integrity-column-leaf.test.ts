import { expect } from 'chai';
import { canonicalBytes } from '../../domain/integrity/canonical-json';
import { EVENT_COLUMN_FIELDS, eventColumnsLeafHash, eventFromColumnTexts, eventTimestampOfColumnTexts } from '../../domain/integrity/event-column-texts';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { leafHash } from '../../domain/integrity/merkle-hash';

const HOSTILE = 'q"uote\\back\n\t\u0007\u001f \u2028\u2029 é€😀 \ud800 lone \udfff end';

/** Column texts as the sealer's read returns them, by field name. */
function columns(values: Partial<Record<(typeof EVENT_COLUMN_FIELDS)[number], string | null>>): (string | null)[] {
  const base: Record<string, string | null> = {
    id: '0190a2b4-0000-7000-8000-000000000001',
    tenant_id: '0190a2b4-0000-7000-8000-0000000000aa',
    received_at: '1767323045678',
    action: 'user.login',
    severity: 'INFO',
    user_id: 'u-1',
    event_timestamp: '1767323045000',
  };
  return EVENT_COLUMN_FIELDS.map((field) => (field in values ? (values[field] ?? null) : (base[field] ?? null)));
}

const ROWS = [
  columns({}),
  columns({ message: HOSTILE, session_id: 'sess-é', user_agent: 'Mozilla "q" \\ 😀', ip_address: '2001:db8::1', event_id: 'evt-😀', resource: 'r', resource_id: 'r-1' }),
  columns({ metadata: '{"b": [1, {"z": null, "a": "\\u00e9"}], "a": "\\ud83d\\ude00", "one": 1.0, "big": 1e300, "long": 123456789012345678901234567890, "tiny": 1e-7, "exp": 2.50E+3}' }),
  columns({ before_state: '{}', after_state: '[]', metadata: '"just a string"' }),
  columns({ after_state: `{"\\u20ac": 1, "e": 2, "é": 3, "😀": 4, "\\ufb33": 5, "": null, "n": {"d": [null, true, false, 0.1, -0, 1e-7]}}` }),
  columns({ received_at: '-62987756076544', event_timestamp: '316224000000999' }),
  columns({ received_at: '-1', message: '' }),
];

describe('integrity: the leaf written from an event\'s column texts', () => {
  it('is byte for byte the leaf of the event those columns make, by the known-shape and the generic JCS', () => {
    for (const [index, row] of ROWS.entries()) {
      for (const seq of [1, 42, 9_007_199_254_740_991]) {
        const event = { ...eventFromColumnTexts(row), seq };
        const generic = leafHash(canonicalBytes(event));
        expect(eventColumnsLeafHash(row, seq).equals(generic), `row ${index}, seq ${seq}`).to.equal(true);
        expect(eventLeafHash(event).equals(generic), `row ${index}, seq ${seq}`).to.equal(true);
      }
    }
  });

  it('changes with any column and with seq', () => {
    const row = ROWS[1] as (string | null)[];
    const leaf = eventColumnsLeafHash(row, 5);
    expect(eventColumnsLeafHash(row, 6).equals(leaf)).to.equal(false);
    for (let column = 0; column < row.length; column += 1) {
      const changed = [...row];
      changed[column] = column === 2 || column === 15 ? String(Number(row[column]) + 1) : column >= 12 && column <= 14 ? '{"x": 1}' : `${row[column] ?? ''}x`;
      expect(eventColumnsLeafHash(changed, 5).equals(leaf), `column ${EVENT_COLUMN_FIELDS[column]}`).to.equal(false);
    }
  });

  it('formats instants as the API does, any year', () => {
    expect(eventTimestampOfColumnTexts(columns({ event_timestamp: '1767323045000' }))).to.equal('2026-01-02T03:04:05.000Z');
    expect(eventFromColumnTexts(columns({ received_at: '316224000000999' })).received_at).to.equal('+011990-09-28T00:00:00.999Z');
    expect(eventFromColumnTexts(columns({ received_at: '-1' })).received_at).to.equal('1969-12-31T23:59:59.999Z');
  });
});
