import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { LOG_COLUMNS, type LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const at = (minute: number) => new Date(Date.parse('2026-03-01T08:00:00Z') + minute * 60_000).toISOString();

/** Every field a spreadsheet would run as a formula, in a different column each. */
const HOSTILE = validEvent({
  event_timestamp: at(1),
  severity: 'critical',
  user_id: '=HYPERLINK("http://evil.example","click")',
  action: '-2+3',
  resource: '@SUM(A1:A2)',
  resource_id: '+cmd|/C calc',
  session_id: '\tTAB',
  message: '\rcarriage return',
  user_agent: '\nline feed',
  event_id: '＝FULLWIDTH',
  metadata: { formula: '=1+1' },
  before_state: { owner: 'alice' },
  after_state: { owner: 'bob', tags: ['a', 'b'] },
});

describe('GET /logs/export: NDJSON and CSV with every field', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let otherTenant: string;
  let auditor: string;
  let seeded: LogEvent[];

  // An auditor's every read is itself recorded as an event received now: bounding the range to
  // the seeded day leaves those records out.
  const exportLogs = (params: Record<string, string>, token = auditor) =>
    system.api.http.get(`/api/v1/logs/export?${new URLSearchParams({ end_time: at(24 * 60), ...params }).toString()}`, { token });
  const ndjson = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogEvent);

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    otherTenant = await createTenant(system);
    auditor = tokenFor(system, 'auditor', tenantId);
    seeded = await seedLogs(system, tenantId, [
      validEvent({ event_timestamp: at(0), severity: 'info', message: 'plain, with "quotes" and a comma' }),
      HOSTILE,
      validEvent({ event_timestamp: at(2), severity: 'error', message: 'disk quota exceeded', session_id: undefined, metadata: undefined, ip_address: '2001:db8::7' }),
    ]);
    await seedLogs(system, otherTenant, [validEvent({ event_timestamp: at(1), message: 'disk quota exceeded elsewhere' })]);
  });

  it('streams NDJSON as an attachment: every event of the tenant, oldest first, equal to GET /logs/{id}', async () => {
    const response = await exportLogs({ format: 'ndjson' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).to.match(new RegExp(`^attachment; filename="audit-logs-${tenantId}-[0-9TZ-]+\\.ndjson"$`));
    const lines = ndjson(response.text);
    expect(lines.map((e) => e.id)).to.deep.equal(seeded.map((e) => e.id));
    for (const line of lines) {
      const stored = await system.api.http.get(`/api/v1/logs/${line.id}`, { token: auditor });
      expect(line).to.deep.equal(stored.body);
      expect(Object.keys(line).sort()).to.deep.equal([...LOG_COLUMNS, 'seq'].sort());
    }
    expect((await exportLogs({})).text, 'ndjson is the default').to.equal(response.text);
  });

  it('writes CSV with the table columns in order, JSON objects as JSON text, and formulas neutralised', async () => {
    const response = await exportLogs({ format: 'csv' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).to.match(/^attachment; filename=".+\.csv"$/);
    const [header, ...rows] = parse(response.text, { relax_column_count: false }) as string[][];
    expect(header).to.deep.equal([...LOG_COLUMNS, 'seq']);
    expect(header?.slice(0, 3)).to.deep.equal(['id', 'tenant_id', 'received_at']);
    expect(rows.map((row) => row[0])).to.deep.equal(seeded.map((e) => e.id));
    const cell = (row: string[] | undefined, column: (typeof LOG_COLUMNS)[number]) => row?.[LOG_COLUMNS.indexOf(column)];

    const hostile = rows[1];
    expect(cell(hostile, 'user_id')).to.equal(`'=HYPERLINK("http://evil.example","click")`);
    expect(cell(hostile, 'action')).to.equal("'-2+3");
    expect(cell(hostile, 'resource')).to.equal("'@SUM(A1:A2)");
    expect(cell(hostile, 'resource_id')).to.equal("'+cmd|/C calc");
    expect(cell(hostile, 'session_id')).to.equal("'\tTAB");
    expect(cell(hostile, 'message')).to.equal("'\rcarriage return");
    expect(cell(hostile, 'user_agent')).to.equal("'\nline feed");
    expect(cell(hostile, 'event_id')).to.equal("'＝FULLWIDTH");
    expect(cell(hostile, 'severity')).to.equal('CRITICAL');
    expect(JSON.parse(cell(hostile, 'metadata') as string)).to.deep.equal({ formula: '=1+1' });
    expect(JSON.parse(cell(hostile, 'after_state') as string)).to.deep.equal({ owner: 'bob', tags: ['a', 'b'] });
    expect(cell(hostile, 'tenant_id')).to.equal(tenantId);
    expect(cell(hostile, 'event_timestamp')).to.equal(at(1));

    expect(cell(rows[0], 'message')).to.equal('plain, with "quotes" and a comma');
    expect(cell(rows[0], 'before_state'), 'null is an empty cell').to.equal('');
    expect(cell(rows[2], 'ip_address')).to.equal('2001:db8::7');
    expect(cell(rows[2], 'session_id')).to.equal('');
  });

  it('applies the search filters, q included', async () => {
    expect(ndjson((await exportLogs({ severity: 'ERROR,CRITICAL' })).text).map((e) => e.id)).to.deep.equal([seeded[1]?.id, seeded[2]?.id]);
    expect(ndjson((await exportLogs({ start_time: at(1), end_time: at(2) })).text).map((e) => e.id)).to.deep.equal([seeded[1]?.id]);
    expect(ndjson((await exportLogs({ q: '"quota exceeded"' })).text).map((e) => e.id)).to.deep.equal([seeded[2]?.id]);
    expect(ndjson((await exportLogs({ q: 'disk', ip_address: '203.0.113.7' })).text)).to.deep.equal([]);
    const csv = parse((await exportLogs({ format: 'csv', user_id: 'nobody' })).text) as string[][];
    expect(csv, 'an empty CSV export still has its header').to.deep.equal([[...LOG_COLUMNS, 'seq']]);
  });

  it('matches hostile filter values exactly (a plain NDJSON export is one COPY with the filters as quoted literals)', async () => {
    const values = [
      "o'brien", "''", "\\", "back\\slash'", "E'\\x27", "$1", "$2::text", "x' OR '1'='1", "x'); DROP TABLE logs; --", '"quoted"', 'tab\tnew\nline',
      'é€😀', '\u202eRTL', "%_'", ' spaced ',
    ];
    const events = values.map((value, index) => validEvent({ event_timestamp: at(10 + index), user_id: value, resource: value, action: `hostile.${index}` }));
    const hostileTenant = await createTenant(system);
    await seedLogs(system, hostileTenant, events);
    const reader = tokenFor(system, 'auditor', hostileTenant);
    for (const value of values) {
      const { rows } = await system.ownerPool.query<{ id: string }>('SELECT id::text FROM logs WHERE tenant_id = $1 AND user_id = $2 AND resource = $2 ORDER BY event_timestamp, id', [hostileTenant, value]);
      expect(rows, `seeded ${JSON.stringify(value)}`).to.have.length(1);
      const response = await exportLogs({ format: 'ndjson', user_id: value, resource: value, severity: 'INFO,WARNING,ERROR,CRITICAL' }, reader);
      expect(response.status, JSON.stringify(value)).to.equal(200);
      expect(ndjson(response.text).map((e) => e.id), JSON.stringify(value)).to.deep.equal(rows.map((row) => row.id));
    }
    expect(await system.ownerPool.query("SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND action LIKE 'hostile.%'", [hostileTenant]).then((r) => r.rows[0].n), 'nothing changed').to.equal(values.length);
  });

  it("never exports another tenant's events, also not to an admin naming a tenant", async () => {
    const mine = ndjson((await exportLogs({})).text);
    expect(mine.every((e) => e.tenant_id === tenantId)).to.equal(true);
    const asAdmin = ndjson((await exportLogs({ tenant_id: otherTenant }, tokenFor(system, 'admin'))).text);
    expect(asAdmin.map((e) => e.tenant_id)).to.deep.equal([otherTenant]);
    expect(asAdmin[0]?.message).to.equal('disk quota exceeded elsewhere');
  });
});
