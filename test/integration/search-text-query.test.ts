import { expect } from 'chai';
import type { LogEvent } from '../../domain/log-event';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const FIXTURE = {
  resetRequested: { action: 'user.password_reset', message: 'Password reset requested by Alice', metadata: { plan: 'enterprise' } },
  passwordChanged: { action: 'user.update', message: 'Password changed' },
  invoice: { action: 'invoice.export', resource: 'invoice', message: 'Exported as PDF', metadata: { note: 'quarterly report', nested: { deep: ['figures'] } } },
  engineSyntax: { action: 'note', message: 'Literal engine syntax: action:DELETE and message:/.*/ and {"match_all":{}}' },
  deleted: { action: 'DELETE', resource: 'file', message: 'removed a file' },
  counter: { action: 'counter.reset', message: 'reset the counter' },
  typo: { action: 'note', message: 'typo passwrd here' },
};
type Name = keyof typeof FIXTURE;

describe('GET /logs?q=: the simple query syntax, and engine syntax as plain text', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let token: string;
  const nameOf = new Map<string, Name>();

  async function matches(q: string): Promise<Name[]> {
    const response = await system.api.http.get(`/api/v1/logs?${new URLSearchParams({ q, page_size: '100' })}`, { token });
    expect(response.status, `q=${q}: ${JSON.stringify(response.body)}`).to.equal(200);
    return (response.body.items as LogEvent[]).map((e) => nameOf.get(e.id) as Name).sort();
  }

  before(async () => {
    system = await testSystem();
    const tenantId = await createTenant(system);
    // Not an auditor: its searches would be recorded as events whose metadata holds each q.
    token = tokenFor(system, 'user', tenantId);
    const names = Object.keys(FIXTURE) as Name[];
    const events = await seedLogs(system, tenantId, names.map((name) => validEvent({ metadata: {}, ...FIXTURE[name] })));
    events.forEach((event, i) => nameOf.set(event.id, names[i] as Name));
  });

  it('matches a word in the message, in any case', async () => {
    expect(await matches('PASSWORD')).to.deep.equal(['passwordChanged', 'resetRequested']);
  });

  it('requires every word by default', async () => {
    expect(await matches('password reset')).to.deep.equal(['resetRequested']);
  });

  it('matches quoted phrases in order only', async () => {
    expect(await matches('"reset requested"')).to.deep.equal(['resetRequested']);
    expect(await matches('"requested reset"')).to.deep.equal([]);
  });

  it('honours + and - and |', async () => {
    expect(await matches('+password -reset')).to.deep.equal(['passwordChanged']);
    expect(await matches('reset -password')).to.deep.equal(['counter']);
    expect(await matches('invoice | counter')).to.deep.equal(['counter', 'invoice']);
  });

  it('expands a trailing * as a prefix', async () => {
    expect(await matches('passw*')).to.deep.equal(['passwordChanged', 'resetRequested', 'typo']);
    expect(await matches('expor*')).to.deep.equal(['invoice']);
  });

  it('searches the action, the resource and nested metadata values', async () => {
    expect(await matches('user.password_reset')).to.deep.equal(['resetRequested']);
    expect(await matches('file')).to.deep.equal(['deleted']);
    expect(await matches('enterprise')).to.deep.equal(['resetRequested']);
    expect(await matches('"quarterly report" figures')).to.deep.equal(['invoice']);
  });

  it('treats field syntax as text: action:DELETE is not a field query', async () => {
    expect(await matches('DELETE')).to.deep.equal(['deleted']);
    expect(await matches('action:DELETE')).to.deep.equal(['engineSyntax']);
  });

  it('treats regular expressions, JSON queries, fuzziness and wildcards inside words as text', async () => {
    expect(await matches('message:/.*/')).to.deep.equal(['engineSyntax']);
    expect(await matches('{"match_all":{}}')).to.deep.equal(['engineSyntax']);
    expect(await matches('passwrd~1')).to.deep.equal([]);
    expect(await matches('pass?ord')).to.deep.equal([]);
  });

  it('answers stray operators and unbalanced syntax without an error', async () => {
    for (const q of ['(', ')', '"unbalanced', '\\', '+', '-', '|', '*', '~', '+-|()"*', 'a AND OR NOT b', '[1 TO 5]', '_exists_:message']) {
      const response = await system.api.http.get(`/api/v1/logs?${new URLSearchParams({ q })}`, { token });
      expect(response.status, `q=${q}`).to.equal(200);
    }
  });

  it('rejects an empty q and one over 200 characters, naming q', async () => {
    for (const q of ['', 'x'.repeat(201)]) {
      const response = await system.api.http.get(`/api/v1/logs?${new URLSearchParams({ q })}`, { token });
      expect(response.status).to.equal(422);
      expect(response.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['/q']);
    }
  });
});
