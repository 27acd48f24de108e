import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { MalformedLiveMessageError, parseLiveMessage } from '../../features/live-tail/live-event';

describe('live message parsing', () => {
  const tenant = randomUUID();

  it('returns the events of the channel tenant at consecutive positions', () => {
    const first = { id: randomUUID(), tenant_id: tenant, action: 'user.login' };
    const second = { id: randomUUID(), tenant_id: tenant, action: 'user.logout' };
    const { events, foreign } = parseLiveMessage(JSON.stringify({ first_position: 41, events: [first, second] }), tenant);
    expect(foreign).to.equal(0);
    expect(events).to.deep.equal([{ event: first, position: 41 }, { event: second, position: 42 }]);
  });

  it('discards events that name another tenant, or no tenant', () => {
    const own = { id: randomUUID(), tenant_id: tenant };
    const message = { first_position: 7, events: [{ id: randomUUID(), tenant_id: randomUUID() }, own, { id: randomUUID() }, 'junk', null] };
    const { events, foreign } = parseLiveMessage(JSON.stringify(message), tenant);
    expect(events).to.deep.equal([{ event: own, position: 8 }]);
    expect(foreign).to.equal(4);
  });

  it('rejects messages that are not an events envelope', () => {
    for (const raw of ['not json', '[]', '{}', '{"events":{}}', 'null', '{"events":[]}', '{"first_position":0,"events":[]}', '{"first_position":"1","events":[]}']) {
      expect(() => parseLiveMessage(raw, tenant), raw).to.throw(MalformedLiveMessageError);
    }
  });
});
