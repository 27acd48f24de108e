import { expect } from 'chai';
import { LogEventInputSchema } from '../../domain/log-event';
import { checkEventRules, toNewLogRow } from '../../features/ingest/normalize-event';
import { compileBody } from '../../platform/validation/ajv';

const validate = compileBody(LogEventInputSchema);
const now = new Date('2026-11-29T12:00:00.000Z');

describe('log event validation and normalisation', () => {
  it('accepts every severity in any case and upper-cases it', () => {
    for (const severity of ['info', 'Warning', 'ERROR', 'cRiTiCaL']) {
      const parsed = validate({ action: 'a', severity });
      expect(parsed.ok, severity).to.equal(true);
      if (parsed.ok) expect(toNewLogRow(parsed.value, 'svc', now).severity).to.equal(severity.toUpperCase());
    }
    expect(validate({ action: 'a', severity: 'debug' }).ok).to.equal(false);
  });

  it('accepts IPv4 and IPv6 and rejects anything else', () => {
    for (const ip of ['192.0.2.1', '2001:db8::1', '::ffff:192.0.2.1']) expect(validate({ action: 'a', severity: 'INFO', ip_address: ip }).ok, ip).to.equal(true);
    for (const ip of ['192.0.2.256', 'localhost', '2001:db8:::1', '', 'fe80::1%eth0']) expect(validate({ action: 'a', severity: 'INFO', ip_address: ip }).ok, ip).to.equal(false);
  });

  it('counts the message limit in bytes, not characters', () => {
    const parsed = validate({ action: 'a', severity: 'INFO', message: '€'.repeat(3000) });
    expect(parsed.ok).to.equal(true);
    if (parsed.ok) expect(checkEventRules(parsed.value, '/logs/4', now, 5)).to.deep.equal([{ path: '/logs/4/message', message: 'must be at most 8192 bytes' }]);
  });

  it('refuses the actions the service writes itself, naming the field under its base path', () => {
    expect(checkEventRules({ action: 'audit_log.viewed', severity: 'INFO' }, '/logs/2', now, 5).map((error) => error.path)).to.deep.equal(['/logs/2/action']);
    expect(checkEventRules({ action: 'audit_log_viewed', severity: 'INFO' }, '', now, 5)).to.deep.equal([]);
  });

  it('allows five minutes of clock skew into the future and no more', () => {
    const at = (ms: number) => ({ action: 'a', severity: 'INFO', event_timestamp: new Date(now.getTime() + ms).toISOString() });
    expect(checkEventRules(at(4 * 60_000), '', now, 5)).to.deep.equal([]);
    expect(checkEventRules(at(6 * 60_000), '', now, 5)).to.deep.equal([{ path: '/event_timestamp', message: 'must be at most 5 minutes in the future' }]);
  });

  it('accepts backdated events up to the horizon and names the field beyond it', () => {
    const event = (at: string) => ({ action: 'a', severity: 'INFO', event_timestamp: at });
    expect(checkEventRules(event('2025-06-01T00:00:00Z'), '', now, 5)).to.deep.equal([]);
    expect(checkEventRules(event('2021-11-29T12:00:00.000Z'), '', now, 5)).to.deep.equal([]);
    expect(checkEventRules(event('2021-11-29T11:59:59.999Z'), '/logs/7', now, 5)).to.deep.equal([
      { path: '/logs/7/event_timestamp', message: 'must be at most 5 years in the past' },
    ]);
    expect(checkEventRules(event('1931-01-01T00:00:00Z'), '', now, 100)).to.deep.equal([]);
    expect(checkEventRules(event('1900-01-01T00:00:00Z'), '', now, 100)).to.deep.equal([{ path: '/event_timestamp', message: 'must be at most 100 years in the past' }]);
  });

  it('defaults user_id to the caller and event_timestamp to the receipt time', () => {
    const row = toNewLogRow({ action: 'a', severity: 'INFO' }, 'svc-billing', now);
    expect(row.user_id).to.equal('svc-billing');
    expect(row.event_timestamp.toISOString()).to.equal(now.toISOString());
    expect(row.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('hashes the same content identically whatever the key order or receipt time', () => {
    const a = toNewLogRow({ action: 'a', severity: 'info', metadata: { x: 1, y: { z: 2 } }, event_id: 'e1' }, 'svc', now);
    const b = toNewLogRow({ event_id: 'e1', metadata: { y: { z: 2 }, x: 1 }, severity: 'INFO', action: 'a' }, 'svc', new Date(now.getTime() + 1000));
    const c = toNewLogRow({ action: 'a', severity: 'info', metadata: { x: 2, y: { z: 2 } }, event_id: 'e1' }, 'svc', now);
    expect(a.content_sha256?.equals(b.content_sha256 as Buffer)).to.equal(true);
    expect(a.content_sha256?.equals(c.content_sha256 as Buffer)).to.equal(false);
  });

  it('hashes only an event with an event_id: no other event is ever compared', () => {
    expect(toNewLogRow({ action: 'a', severity: 'INFO' }, 'svc', now).content_sha256).to.equal(null);
    expect(toNewLogRow({ action: 'a', severity: 'INFO', event_id: 'e1' }, 'svc', now).content_sha256).to.have.length(32);
  });

  it('gives every event its own UUIDv7 stamped with the receipt time', () => {
    const ids = Array.from({ length: 600 }, () => toNewLogRow({ action: 'a', severity: 'INFO' }, 'svc', now).id);
    expect(new Set(ids).size).to.equal(ids.length);
    const stamp = now.getTime().toString(16).padStart(12, '0');
    for (const id of ids) expect(id.replace('-', '').slice(0, 12), id).to.equal(stamp);
  });
});
