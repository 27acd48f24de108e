import { expect } from 'chai';
import type { UnsealedBatch } from '../../adapters/postgres/integrity-repository';
import { EVENTS_PER_STEP, STEP_HOLDS_AT_MOST, stepHolds, takeBatches } from '../../features/integrity/seal-step-size';

let next = 0;
const batch = (events: number, bytes: number | null): UnsealedBatch => ({ taskId: `task-${(next += 1)}`, createdAt: new Date(0), events, bytes, eventTimeRange: null });

describe('seal step size (share of the worker event budget)', () => {
  it('weighs small events at what the step holds at once: two parts of 2,500 events, not all of them', () => {
    const small = Array.from({ length: 10 }, () => batch(1000, 825_000));
    expect(stepHolds(small.slice(0, 1))).to.equal(825_000);
    expect(stepHolds(small)).to.equal(2 * 2500 * 825);
    expect(stepHolds(small)).to.be.below(STEP_HOLDS_AT_MOST);
  });

  it('caps events at the size limit at two 4 MiB parts, and weighs a batch without a size at the most', () => {
    const large = Array.from({ length: 3 }, () => batch(85, 85 * 56 * 1024));
    expect(stepHolds(large.slice(0, 1))).to.equal(85 * 56 * 1024);
    expect(stepHolds(large)).to.equal(STEP_HOLDS_AT_MOST);
    expect(stepHolds([batch(10, 100), batch(10, null)])).to.equal(STEP_HOLDS_AT_MOST);
    expect(stepHolds([])).to.equal(0);
  });

  it('takes, under the share it weighed, the very batches it weighed', () => {
    const waiting = [batch(1000, 825_000), batch(85, 85 * 56 * 1024), batch(3000, 2_000_000), batch(10, null), batch(500, 100_000)];
    for (let end = 1; end <= waiting.length; end += 1) {
      const weighed = takeBatches(waiting.slice(0, end), STEP_HOLDS_AT_MOST);
      expect(takeBatches(waiting.slice(0, end), stepHolds(weighed))).to.deep.equal(weighed);
    }
  });

  it('takes nothing when a batch committed after the share was weighed does not fit it, and stops at the step size', () => {
    const late = batch(2000, 3_000_000);
    const weighed = [batch(100, 50_000)];
    expect(takeBatches([late, ...weighed], stepHolds(weighed))).to.deep.equal([]);
    const many = Array.from({ length: 30 }, () => batch(1000, 1000));
    const taken = takeBatches(many, STEP_HOLDS_AT_MOST);
    expect(taken.reduce((sum, b) => sum + b.events, 0)).to.equal(EVENTS_PER_STEP);
  });
});
