import { expect } from 'chai';
import { planKills } from '../chaos/kill-schedule';
import { planLoad } from '../chaos/load-plan';
import { seededRandom } from '../chaos/seeded-random';
import { SERVICES } from '../chaos/service-processes';

describe('chaos soak plans', () => {
  const plan = (seed: number) =>
    planLoad({ events: 5000, tenantIds: ['a', 'b', 'c'], bulkShare: 0.1, bulkSize: { min: 10, max: 90 }, runTag: 'run', random: seededRandom(seed) });

  it('sends every event exactly once, 10% of the events in bulk requests of the configured sizes', () => {
    const requests = plan(7);
    const eventIds = requests.flatMap((request) => request.events.map((event) => event.event_id));
    expect(new Set(eventIds).size).to.equal(5000);
    expect(eventIds).to.have.length(5000);
    const bulk = requests.filter((request) => request.kind === 'bulk');
    expect(bulk.reduce((sum, request) => sum + request.events.length, 0)).to.equal(500);
    bulk.slice(0, -1).forEach((request) => expect(request.events.length).to.be.within(10, 90));
    requests.filter((request) => request.kind === 'single').forEach((request) => expect(request.events).to.have.length(1));
    expect(new Set(requests.map((request) => request.tenantId))).to.have.all.keys('a', 'b', 'c');
  });

  it('gives the same plan for the same seed and another for another seed', () => {
    expect(plan(7)).to.deep.equal(plan(7));
    expect(plan(7)).to.not.deep.equal(plan(8));
  });

  it('kills each process the planned number of times, between 5% and 85% of the load, in order', () => {
    const kills = planKills(seededRandom(3), 2, 1000);
    expect(kills).to.have.length(8);
    for (const service of SERVICES) expect(kills.filter((kill) => kill.service === service)).to.have.length(2);
    kills.forEach((kill) => expect(kill.atAcknowledged).to.be.within(50, 850));
    expect(kills.map((kill) => kill.atAcknowledged)).to.deep.equal([...kills.map((kill) => kill.atAcknowledged)].sort((a, b) => a - b));
  });
});
