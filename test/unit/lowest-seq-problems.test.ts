import { expect } from 'chai';
import { lowestSeqProblems } from '../../features/integrity/lowest-seq-problems';

describe('lowestSeqProblems: what a verify result lists of its problems', () => {
  it('lists the same problems as sorting every one by seq and keeping the first, and counts them all', () => {
    const found = Array.from({ length: 10_000 }, (_, n) => ({ seq: (n * 7919) % 10_000, id: `e${n}` }));
    found.push({ seq: null as unknown as number, id: 'no-seq' });
    const problems = lowestSeqProblems<{ seq: number | null; id: string }>(100);
    for (const problem of found) problems.add(problem);
    const everyOneSorted = [...found].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER)).slice(0, 100);
    expect(problems.list()).to.deep.equal(everyOneSorted);
    expect(problems.count).to.equal(10_001);
  });

  it('puts problems without a seq after the others, in the order they were found', () => {
    const problems = lowestSeqProblems<{ seq: number | null; id: string }>(3);
    for (const problem of [{ seq: null, id: 'a' }, { seq: 5, id: 'b' }, { seq: null, id: 'c' }]) problems.add(problem);
    expect(problems.list().map((problem) => problem.id)).to.deep.equal(['b', 'a', 'c']);
    expect(problems.count).to.equal(3);
  });
});
