import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { MalformedLiveMessageError, parseLiveMessage } from '../../features/live-tail/live-event';

describe('live message parsing', () => {
  const tenant = randomUUID();

  it('returns the events of the channel tenant with their frames', () => {
    const event = { id: randomUUID(), tenant_id: tenant, action: 'user.login' };
    const { events, foreign } = parseLiveMessage(JSON.stringify({ events: [event] }), tenant);
    expect(foreign).to.equal(0);
    expect(events.map((live) => live.event)).to.deep.equal([event]);
    expect(JSON.parse(events[0]!.frame.toString('utf8'))).to.deep.equal({ type: 'log', data: event });
  });

  it('discards events that name another tenant, or no tenant', () => {
    const own = { id: randomUUID(), tenant_id: tenant };
    const message = { events: [{ id: randomUUID(), tenant_id: randomUUID() }, own, { id: randomUUID() }, 'junk', null] };
    const { events, foreign } = parseLiveMessage(JSON.stringify(message), tenant);
    expect(events.map((live) => live.event)).to.deep.equal([own]);
    expect(foreign).to.equal(4);
  });

  it('rejects messages that are not an events envelope', () => {
    for (const raw of ['not json', '[]', '{}', '{"events":{}}', 'null']) {
      expect(() => parseLiveMessage(raw, tenant), raw).to.throw(MalformedLiveMessageError);
    }
  });
});
