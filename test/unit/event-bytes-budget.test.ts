import { expect } from 'chai';
import { BUDGET_UNIT_BYTES, budgetUnitsOf, createEventBytesBudget } from '../../platform/memory/event-bytes-budget';

const MiB = 1024 * 1024;

/** A holder that runs until released, recording when it started. */
function holder() {
  let release: () => void = () => undefined;
  const state = { started: false };
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { state, release, work: async () => { state.started = true; await done; } };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('event bytes budget', () => {
  it('counts a 16 MiB budget in a few hundred units, not in bytes (each release walks every free unit)', () => {
    const budget = createEventBytesBudget(16 * MiB);
    expect(budget.units).to.equal(256);
    expect(budgetUnitsOf(1)).to.equal(1);
    expect(budgetUnitsOf(BUDGET_UNIT_BYTES)).to.equal(1);
    expect(budgetUnitsOf(BUDGET_UNIT_BYTES + 1)).to.equal(2);
    expect(budgetUnitsOf(0)).to.equal(1);
  });

  it('runs holders side by side while their shares fit, and makes the next wait until one is freed', async () => {
    const budget = createEventBytesBudget(16 * MiB);
    const first = holder();
    const second = holder();
    const third = holder();
    const runs = [budget.holding(8 * MiB, first.work), budget.holding(8 * MiB, second.work), budget.holding(1, third.work)];
    await settle();
    expect([first.state.started, second.state.started, third.state.started]).to.deep.equal([true, true, false]);
    first.release();
    await settle();
    expect(third.state.started).to.equal(true);
    second.release();
    third.release();
    await Promise.all(runs);
  });

  it('lets a share larger than the whole budget run alone, once everything else is freed', async () => {
    const budget = createEventBytesBudget(4 * MiB);
    const small = holder();
    const huge = holder();
    const runs = [budget.holding(1024, small.work), budget.holding(100 * MiB, huge.work)];
    await settle();
    expect(huge.state.started).to.equal(false);
    small.release();
    await settle();
    expect(huge.state.started).to.equal(true);
    huge.release();
    await Promise.all(runs);
  });

  it('frees the share of a holder that throws', async () => {
    const budget = createEventBytesBudget(4 * MiB);
    await budget.holding(4 * MiB, async () => { throw new Error('index run failed'); }).catch(() => undefined);
    const next = holder();
    const run = budget.holding(4 * MiB, next.work);
    await settle();
    expect(next.state.started).to.equal(true);
    next.release();
    await run;
  });
});
