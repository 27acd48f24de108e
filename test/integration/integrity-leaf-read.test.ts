import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { leavesOf, logCount, waitForSealed } from '../support/integrity';
import { testSystem, type TestSystem } from '../support/system';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { canonicalBytes } from '../../domain/integrity/canonical-json';
import { eventColumnsLeafHash, eventFromColumnTexts } from '../../domain/integrity/event-column-texts';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { leafHash } from '../../domain/integrity/merkle-hash';

/** The leaf of an event as GET /logs/{id} returned it, by the generic JCS (no shape-specific path). */
function referenceLeaf(event: unknown): Buffer {
  return leafHash(canonicalBytes(event));
}

const HOSTILE_TEXT = 'q"uote\\back\n\t\u0000\u0007\u001f \u2028\u2029 é€😀 \ud800 lone \udfff end';

describe('integrity: the sealer reads events as column text, its leaves byte-identical to those of GET /logs/{id}', function () {
  this.timeout(180_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('gives the leaf of the GET-shaped event for hostile rows: unicode, lone surrogates, big numbers, nested objects, nulls, every field present or absent, odd instants', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const full = validEvent({
      message: HOSTILE_TEXT.replace('\u0000', ''),
      session_id: 'sess-\u00e9',
      user_agent: 'Mozilla/5.0 "quoted" \\ 😀',
      ip_address: '2001:db8::1',
      event_id: 'evt-\ud83d\ude00',
      before_state: { b: { z: null, a: [1, { y: 'x', x: 'y' }] }, a: 'é' },
      after_state: { '\u20ac': 1, e: 2, é: 3, '😀': 4, '\ufb33': 5, '': null, nested: { deep: { deeper: [null, true, false, 0.1, -0, 1e-7] } } },
      metadata: { big: 1e300, small: 5e-324, int: 9007199254740991, frac: 1.5, neg: -12.25, text: HOSTILE_TEXT.replace('\u0000', ''), list: [[], {}, [{}]] },
    });
    const minimal = { action: 'x', severity: 'info', user_id: 'u' };
    const bodies = [full, minimal, validEvent(), { ...minimal, message: 'm', metadata: {} }];
    const created = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: bodies } });
    expect(created.status, created.text).to.equal(201);
    const events = await logCount(system, tenantId);
    await waitForSealed(system, tenantId, events);

    // The sealer's leaves (written through the JSON read path) match the events as GET returns them.
    const ids: string[] = [];
    for (const leaf of await leavesOf(system, tenantId)) {
      const got = await system.api.http.get(`/api/v1/logs/${leaf.log_id}`, { token });
      expect(got.status).to.equal(200);
      expect((got.body as { seq: number }).seq).to.equal(leaf.seq);
      expect(leaf.leaf_hash.equals(referenceLeaf(got.body)), `leaf of seq ${leaf.seq}`).to.equal(true);
      ids.push(leaf.log_id);
    }

    // Values the API never writes but the database can hold, set behind the service's back.
    const [a, b, c, d] = ids as [string, string, string, string];
    const hostile: [string, string, unknown[]][] = [
      [a, `metadata = '{"one": 1.0, "big": 1e300, "long": 123456789012345678901234567890, "tiny": 1e-7, "exp": 2.50E+3, "k": {"b": [1, {"z": null, "a": "\\u00e9"}], "a": "\\ud83d\\ude00"}}'::jsonb, received_at = '0005-03-04 01:02:03.456789+00'`, []],
      [b, `received_at = '12000-01-01 00:00:00.999999+00', before_state = '{}'::jsonb, after_state = '[]'::jsonb`, []],
      [c, `received_at = '0044-03-15 12:00:00.5+00 BC', metadata = '"just a string"'::jsonb, user_agent = $2`, ['\u0001 ctl \u007f del']],
      [d, `received_at = '1969-12-31 23:59:59.9995+00', ip_address = '10.0.0.1/8', metadata = '{"deep": {"a": {"b": {"c": {"d": [1, 2, {"e": "f"}]}}}}}'::jsonb`, []],
    ];
    for (const [id, set, extra] of hostile) {
      await system.ownerPool.query(`UPDATE logs SET ${set} WHERE tenant_id = '${tenantId}' AND id = $1`, [id, ...extra]);
    }

    const read = await withTenantTx(system.appPool, tenantId, (tx) => logsRepository(tx).findColumnTextsByIds(tenantId, ids));
    expect(read.map((columns) => columns[0]).sort()).to.deep.equal([...ids].sort());
    const readEvents = read.map(eventFromColumnTexts);
    for (const [index, event] of readEvents.entries()) {
      const got = await system.api.http.get(`/api/v1/logs/${event.id}`, { token });
      expect(got.status).to.equal(200);
      const seq = (got.body as { seq: number }).seq;
      expect({ ...event, seq }).to.deep.equal(got.body);
      // The sealer's leaf, written from the column texts, and the event's leaf by the known-shape and the generic JCS.
      expect(eventColumnsLeafHash(read[index] as (string | null)[], seq).equals(referenceLeaf(got.body)), `column leaf of ${event.id}`).to.equal(true);
      expect(eventLeafHash({ ...event, seq }).equals(referenceLeaf(got.body)), `event leaf of ${event.id}`).to.equal(true);
    }
    const instants = readEvents.map((event) => event.received_at).sort();
    console.log(`      received_at as read: ${instants.join(', ')}`);
    expect(instants).to.include.members(['+012000-01-01T00:00:00.999Z', '-000043-03-15T12:00:00.500Z', '0005-03-04T01:02:03.456Z', '1969-12-31T23:59:59.999Z']);
  });
});
