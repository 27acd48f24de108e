import { expect } from 'chai';
import { nestsDeeperThan } from '../../platform/validation/json-depth';

const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JSON nesting depth', () => {
  it('counts arrays and objects as levels, scalars as none', () => {
    expect(nestsDeeperThan('text', 0)).to.equal(false);
    expect(nestsDeeperThan({}, 0)).to.equal(true);
    expect(nestsDeeperThan({ a: { b: [1] } }, 3)).to.equal(false);
    expect(nestsDeeperThan({ a: { b: [1] } }, 2)).to.equal(true);
    expect(nestsDeeperThan([1, [2, [3]], { x: null }], 3)).to.equal(false);
  });

  it('finds the deep branch among wide shallow ones', () => {
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    expect(nestsDeeperThan({ ...wide, deep: nestedArrays(70) }, 64)).to.equal(true);
    expect(nestsDeeperThan({ ...wide, deep: nestedArrays(63) }, 64)).to.equal(false);
  });

  it('checks a body nested 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nestedArrays(100_000), 64)).to.equal(true);
  });
});
