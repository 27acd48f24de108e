import { expect } from 'chai';
import { lowestSeqProblems } from '../../features/integrity/lowest-seq-problems';

interface Problem {
  seq: number | null;
  id: string;
  kind: string;
}

describe('lowestSeqProblems: what a verify result lists of its problems', () => {
  it('lists the same problems as sorting every one by seq and keeping the first, and counts them all', () => {
    const found: Problem[] = Array.from({ length: 10_000 }, (_, n) => ({ seq: (n * 7919) % 10_000, id: `e${n}`, kind: n % 3 === 0 ? 'missing' : 'modified' }));
    found.push({ seq: null, id: 'no-seq', kind: 'inserted' });
    const problems = lowestSeqProblems<Problem>(100);
    for (const problem of found) problems.add(problem);
    const everyOneSorted = [...found].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER)).slice(0, 100);
    expect(problems.list()).to.deep.equal(everyOneSorted);
    expect(problems.count).to.equal(10_001);
    expect(problems.byKind(), 'counted by kind over all of them, not only those listed').to.deep.equal({ missing: 3334, modified: 6666, inserted: 1 });
  });

  it('puts problems without a seq after the others, in the order they were found', () => {
    const problems = lowestSeqProblems<Problem>(3);
    for (const problem of [{ seq: null, id: 'a', kind: 'inserted' }, { seq: 5, id: 'b', kind: 'missing' }, { seq: null, id: 'c', kind: 'inserted' }]) problems.add(problem);
    expect(problems.list().map((problem) => problem.id)).to.deep.equal(['b', 'a', 'c']);
    expect(problems.count).to.equal(3);
  });
});
