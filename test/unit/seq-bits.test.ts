import { expect } from 'chai';
import { SeqBits } from '../../domain/integrity/seq-bits';

describe('seq bits (verify: leaves whose row is gone)', () => {
  it('holds each seq once, grows past its first bytes, and lists them in ascending order', () => {
    const bits = new SeqBits();
    for (const seq of [9, 1, 8, 5_000_000, 8, 16, 17]) bits.add(seq);
    expect(bits.size).to.equal(6);
    expect([...bits.ascending()]).to.deep.equal([1, 8, 9, 16, 17, 5_000_000]);
    expect(bits.has(5_000_000)).to.equal(true);
    expect(bits.has(4_999_999)).to.equal(false);
    expect(bits.has(99_000_000)).to.equal(false);
    expect(bits.has(0)).to.equal(false);
  });

  it('leaves out the seqs another set holds (gone, less those the archive held)', () => {
    const gone = new SeqBits();
    const archived = new SeqBits();
    for (let seq = 1; seq <= 20_000; seq += 1) gone.add(seq);
    for (let seq = 2; seq <= 20_000; seq += 2) archived.add(seq);
    archived.add(30_000);
    const missing = [...gone.ascending(archived)];
    expect(missing).to.have.length(10_000);
    expect(missing.every((seq) => seq % 2 === 1)).to.equal(true);
    expect(missing.slice(0, 3)).to.deep.equal([1, 3, 5]);
  });

  it('refuses what is not a seq', () => {
    const bits = new SeqBits();
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => bits.add(bad)).to.throw(RangeError);
    expect(bits.size).to.equal(0);
  });
});
