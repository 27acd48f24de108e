import { expect } from 'chai';
import { chunks } from '../../domain/chunks';

describe('chunks: items cut into arrays of a size', () => {
  it('cuts into full arrays and a shorter last one, in order', () => {
    expect([...chunks([1, 2, 3, 4, 5, 6, 7], 3)]).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
    expect([...chunks([1, 2, 3, 4], 2)]).to.deep.equal([[1, 2], [3, 4]]);
  });

  it('yields nothing for no items', () => {
    expect([...chunks([], 10)]).to.deep.equal([]);
  });

  it('takes any iterable, its own output included: messages of refs, then calls of messages', () => {
    const refs = Array.from({ length: 25 }, (_, index) => index);
    const calls = [...chunks(chunks(refs, 4), 3)];
    expect(calls.map((call) => call.length)).to.deep.equal([3, 3, 1]);
    expect(calls.flat(2)).to.deep.equal(refs);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => [...chunks([1], 0)]).to.throw(RangeError);
    expect(() => [...chunks([1], 1.5)]).to.throw(RangeError);
  });
});
