import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { LOG_COLUMNS, type LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';

/** api.md: a cell that starts with one of these must be prefixed with a single quote. */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\n'];
const STARTS_A_FORMULA = /^[=+\-@\t\r\n]/;
const STRING_FIELDS = ['action', 'user_id', 'session_id', 'resource', 'resource_id', 'message', 'user_agent'] as const;
const RUNS = 6;
const EVENTS_PER_RUN = 40;

/** A cell a spreadsheet would evaluate (a formula start and any text), or an ordinary one to leave alone. */
const cell = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FORMULA_STARTS, '＝', '＋', '－', '＠'), fc.string({ maxLength: 40 })).map(([start, rest]) => `${start}${rest}`) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => !text.includes('\u0000')) },
);

const hostileEvent = fc.record({
  action: cell, user_id: cell, session_id: cell, resource: cell, resource_id: cell, message: cell, user_agent: cell,
  metadata: fc.dictionary(fc.constantFrom('formula', '=key', 'note'), cell, { maxKeys: 3 }),
});

describe('attack corpus: CSV export neutralises every cell that starts a formula', function () {
  this.timeout(300_000);
  let system: TestSystem;
  const tally = { events: 0, cells: 0, formulaCells: 0, neutralised: 0 };

  before(async () => {
    system = await testSystem();
  });

  after(() => {
    console.log(`      attack corpus (CSV): ${tally.events} events, ${tally.cells} cells checked, ${tally.formulaCells} started a formula, ${tally.neutralised} neutralised`);
  });

  it('prefixes a single quote to exactly the cells that start with = + - @ tab CR or LF, keeping the rest intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileEvent, { minLength: EVENTS_PER_RUN, maxLength: EVENTS_PER_RUN }), async (events) => {
        const tenantId = await createTenant(system);
        const body = { logs: events.map((event, i) => ({ ...event, severity: 'INFO', event_id: `${i % 2 ? '=' : '@'}evt-${i}` })) };
        const written = await system.api.http.post('/api/v1/logs/bulk', { token: tokenFor(system, 'user', tenantId), body });
        expect(written.status, written.text).to.equal(201);
        // An admin's reads are not recorded: an auditor's first export would add its own audit_log.viewed event to the second.
        const reader = tokenFor(system, 'admin', tenantId);
        const stored = (await system.api.http.get('/api/v1/logs/export?format=ndjson', { token: reader })).text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogEvent);
        const csv = await system.api.http.get('/api/v1/logs/export?format=csv', { token: reader });
        expect(csv.status).to.equal(200);
        const rows = parse(csv.text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
        expect(rows.map((row) => row.id)).to.deep.equal(stored.map((event) => event.id));
        tally.events += rows.length;
        for (const [index, row] of rows.entries()) {
          const event = stored[index] as LogEvent;
          for (const column of LOG_COLUMNS) {
            const value = event[column];
            const exported = row[column] as string;
            tally.cells += 1;
            expect(STARTS_A_FORMULA.test(exported), `${column} cell ${JSON.stringify(exported)} starts a formula`).to.equal(false);
            // JSON columns are JSON text (PostgreSQL's spacing): an object or array never starts a formula.
            if (typeof value === 'object' && value !== null) {
              expect(JSON.parse(exported), column).to.deep.equal(value);
              continue;
            }
            const text = value === null ? '' : String(value);
            if (STARTS_A_FORMULA.test(text)) {
              tally.formulaCells += 1;
              expect(exported, column).to.equal(`'${text}`);
              tally.neutralised += 1;
            } else if (!/^[＝＋－＠]/.test(text)) {
              expect(exported, column).to.equal(text);
            }
          }
        }
        // The corpus reached the export as sent: ingest did not strip the characters under test.
        expect(stored.some((event) => STRING_FIELDS.some((field) => STARTS_A_FORMULA.test(event[field] ?? '')))).to.equal(true);
      }),
      { numRuns: RUNS },
    );
  });
});
