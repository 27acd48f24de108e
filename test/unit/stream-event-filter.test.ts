import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LogEvent } from '../../domain/log-event';
import { compileLiveFilter } from '../../features/live-tail/event-filter';

function event(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    id: randomUUID(), tenant_id: randomUUID(), received_at: '2025-01-01T00:00:00.000Z', action: 'user.login', severity: 'INFO', user_id: 'alice',
    session_id: 's-1', resource: 'session', resource_id: 'r-1', message: null, ip_address: '203.0.113.7', user_agent: null,
    before_state: null, after_state: null, metadata: null, event_timestamp: '2025-01-01T00:00:00.000Z', event_id: null,
    ...overrides,
  };
}

describe('live-tail event filter', () => {
  it('matches everything when no filter is given', () => {
    expect(compileLiveFilter({})(event())).to.equal(true);
  });

  it('requires every given exact field to be equal (case-sensitive, as search keywords are)', () => {
    const matches = compileLiveFilter({ user_id: 'alice', action: 'user.login', resource: 'session', resource_id: 'r-1', session_id: 's-1' });
    expect(matches(event())).to.equal(true);
    for (const field of ['user_id', 'action', 'resource', 'resource_id', 'session_id'] as const) {
      expect(matches(event({ [field]: 'other' })), field).to.equal(false);
      expect(matches(event({ [field]: null } as Partial<LogEvent>)), `${field} null`).to.equal(false);
    }
    expect(compileLiveFilter({ user_id: 'Alice' })(event())).to.equal(false);
  });

  it('matches any of the listed severities', () => {
    const matches = compileLiveFilter({ severity: ['ERROR', 'CRITICAL'] });
    expect(matches(event({ severity: 'ERROR' }))).to.equal(true);
    expect(matches(event({ severity: 'CRITICAL' }))).to.equal(true);
    expect(matches(event({ severity: 'INFO' }))).to.equal(false);
  });

  it('compares IP addresses by value, not by spelling', () => {
    const v6 = compileLiveFilter({ ip_address: '2001:db8::1' });
    expect(v6(event({ ip_address: '2001:DB8:0:0:0:0:0:1' }))).to.equal(true);
    expect(v6(event({ ip_address: '2001:db8::2' }))).to.equal(false);
    expect(v6(event({ ip_address: '203.0.113.7' }))).to.equal(false);
    expect(v6(event({ ip_address: null }))).to.equal(false);
    const v4 = compileLiveFilter({ ip_address: '203.0.113.7' });
    expect(v4(event())).to.equal(true);
    expect(v4(event({ ip_address: '203.0.113.70' }))).to.equal(false);
  });
});
