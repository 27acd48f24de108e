import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import type { HttpResponse } from '../support/http-client';
import { rowsOf } from '../support/isolation-checks';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const EVENTS = 20;
const WORDS = ['alpha', 'beta', 'gamma', 'login', 'password'];
const RUNS = 200;

interface Side {
  tenantId: string;
  token: string;
  ids: string[];
  /** Strings that identify this tenant's data wherever they appear. */
  markers: string[];
}

async function seedSide(system: TestSystem, role: 'user' | 'admin'): Promise<Side> {
  const tenantId = await createTenant(system);
  const tag = `t${tenantId.slice(0, 8)}`;
  const now = Date.now();
  const events = Array.from({ length: EVENTS }, (_, i) =>
    validEvent({
      user_id: `${tag}-actor`,
      message: `${WORDS.join(' ')} ${tag}-secret #${i}`,
      metadata: { owner: `${tag}-meta`, note: WORDS[i % WORDS.length] },
      event_timestamp: new Date(now - (i + 1) * 60_000).toISOString(),
    }),
  );
  const ids = (await seedLogs(system, tenantId, events)).map((event) => event.id);
  return { tenantId, token: tokenFor(system, role, tenantId), ids, markers: [tenantId, `${tag}-actor`, `${tag}-secret`, `${tag}-meta`, ...ids] };
}

/** Engine syntax a search string could try to smuggle past the tenant filter. */
function engineSyntax(victim: Side, index: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    '*', '*:*', 'tenant_id:*', `tenant_id:${victim.tenantId}`, `tenant_id:"${victim.tenantId}"`, `_index:${index}`, `_id:${victim.ids[0]}`,
    `_routing:${victim.tenantId}`, '_exists_:tenant_id', 'message:*', 'event_timestamp:[* TO *]', '[* TO *]', '{* TO *}', 'alpha~2', 'alpha^100',
    '"alpha beta"~50', '/.*/', '/[a-z]+/', '(alpha | beta) +gamma -zzz', 'NOT nothing', 'alpha AND NOT zzz', 'a*', '*a', '?', '\\', '"', '((((((((', ')))',
    '&&', '||', '!', '{"match_all":{}}', '"}},{"match_all":{}}],"x":{"', '{"query":{"term":{"tenant_id":"x"}}}', '${jndi:ldap://127.0.0.1/x}', "' OR 1=1 --",
    '<script>alert(1)</script>', '%', '%25', '+', '-', '~', 'ﬀ', 'İ', '𝔞𝔩𝔭𝔥𝔞', '\u202e', 'alpha\u0301', '\uFEFFalpha',
  );
}

function searchStrings(victim: Side, index: string): fc.Arbitrary<string> {
  const syntax = engineSyntax(victim, index);
  return fc.oneof(
    syntax,
    fc.tuple(syntax, fc.constantFrom(...WORDS), syntax).map((parts) => parts.join(' ')),
    fc
      .tuple(fc.array(fc.oneof(syntax, fc.constantFrom(...WORDS)), { minLength: 1, maxLength: 12 }), fc.constantFrom(' ', '', '|', ' +', ' -'))
      .map(([parts, joiner]) => parts.join(joiner)),
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 120 }),
    fc.string({ minLength: 190, maxLength: 5000 }),
  );
}

describe('attack corpus: search strings and filters never cross tenants and never give a 5xx', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let attacker: Side;
  let victim: Side;
  let victimCursor: string;
  const tally = { tried: 0, ok: 0, rejected: 0, serverErrors: 0, crossTenantHits: 0 };

  /** One request as the attacker: never a 5xx, and on success nothing but the attacker's own rows. */
  async function probe(path: string, params: Record<string, string>): Promise<void> {
    const query = new URLSearchParams(params).toString();
    const response: HttpResponse = await system.api.http.get(`/api/v1/logs${path}?${query}`, { token: attacker.token });
    tally.tried += 1;
    const what = `${path || '/logs'}?${query.slice(0, 300)} -> ${response.status} ${response.text.slice(0, 300)}`;
    if (response.status >= 500) tally.serverErrors += 1;
    expect(response.status, what).to.be.below(500);
    if (response.status === 200) tally.ok += 1;
    else tally.rejected += 1;
    const leaked = victim.markers.filter((marker) => response.text.includes(marker)).length + rowsOf(response).filter((row) => row.tenant_id !== attacker.tenantId).length;
    tally.crossTenantHits += leaked;
    expect(leaked, `cross-tenant data in ${what}`).to.equal(0);
    if (path === '/stats' && response.status === 200) expect(response.body.total, what).to.be.at.most(EVENTS);
  }

  before(async () => {
    system = await testSystem();
    // A tenant admin reads search, stats and export like an auditor, but its reads are not recorded:
    // an auditor's audit_log.viewed events quote its own queries (the victim's ids among them) back to it.
    attacker = await seedSide(system, 'admin');
    victim = await seedSide(system, 'user');
    victimCursor = (await system.api.http.get('/api/v1/logs?page_size=1', { token: victim.token })).body.next_cursor;
    // The victim's rows are in the same index and match the same words: only the tenant filter keeps them out.
    const unfiltered = await system.opensearch.search({ index: system.config.opensearch.index, body: { query: { match: { message: `alpha ${victim.markers[2]}` } } } });
    expect(unfiltered.body.hits.hits.some((hit) => hit._source?.tenant_id === victim.tenantId)).to.equal(true);
  });

  after(() => {
    console.log(
      `      attack corpus (search): ${tally.tried} cases tried, ${tally.ok} answered 200 with own rows only, ${tally.rejected} rejected with 4xx, ` +
        `${tally.serverErrors} 5xx, ${tally.crossTenantHits} cross-tenant hits`,
    );
  });

  it("finds the attacker's own rows for an ordinary query (the control)", async () => {
    const response = await system.api.http.get('/api/v1/logs?q=alpha&page_size=100', { token: attacker.token });
    expect(rowsOf(response).map((row) => row.id).sort()).to.deep.equal([...attacker.ids].sort());
  });

  it('q with engine syntax, wildcards, huge and unicode input: search, stats and export', async () => {
    const index = system.config.opensearch.index;
    await fc.assert(
      fc.asyncProperty(searchStrings(victim, index), fc.constantFrom('', '/stats', '/export'), async (q, path) => {
        await probe(path, { q, ...(path === '/export' ? { format: 'ndjson' } : {}) });
      }),
      { numRuns: RUNS },
    );
  });

  it('every filter with hostile values, another tenant named, and foreign or forged cursors', async () => {
    const index = system.config.opensearch.index;
    const text = fc.oneof(searchStrings(victim, index), fc.constantFrom(victim.markers[1] as string, victim.tenantId));
    const time = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 40 }), fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2026-02-30T00:00:00Z'));
    const number = fc.oneof(fc.integer({ min: -10, max: 20_000 }).map(String), fc.constantFrom('1e9', '0x10', '1.5', '', '9'.repeat(40)));
    const filters = fc.record(
      {
        user_id: text, action: text, resource: text, resource_id: text, session_id: text, q: text,
        severity: fc.oneof(fc.constantFrom('INFO', 'error,CRITICAL', 'info, warning', 'LOUD', ',,,'), fc.string({ maxLength: 20 })),
        start_time: time, end_time: time,
        ip_address: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 })),
        sort: fc.oneof(fc.constantFrom('event_timestamp:asc', 'event_timestamp:desc', 'tenant_id:asc', '_id'), fc.string({ maxLength: 20 })),
        page: number, page_size: number,
        tenant_id: fc.constantFrom(victim.tenantId, randomUUID(), 'not-a-uuid'),
        cursor: fc.oneof(fc.constant(victimCursor), fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 200 })),
        interval: fc.constantFrom('minute', 'hour', 'day', 'week'), group_by: fc.constantFrom('user_id', 'tenant_id', 'severity', 'message'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, fc.constantFrom('', '/stats', '/export'), async (params, path) => {
        await probe(path, params);
      }),
      { numRuns: RUNS },
    );
  });
});
