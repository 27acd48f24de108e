import { expect } from 'chai';
import { diffStates } from '../../console/src/diff';

describe('console: before/after diff', () => {
  it('lists every leaf by path as added, removed, changed or unchanged, in first-seen order', () => {
    const rows = diffStates(
      { role: 'member', address: { city: 'Oslo', zip: '0150' }, tags: ['a', 'b'], note: 'x' },
      { role: 'admin', address: { city: 'Oslo' }, tags: ['a', 'c', 'd'], mfa: true },
    );
    expect(rows.map((row) => [row.path, row.change, row.before, row.after])).to.deep.equal([
      ['role', 'changed', '"member"', '"admin"'],
      ['address.city', 'unchanged', '"Oslo"', '"Oslo"'],
      ['address.zip', 'removed', '"0150"', undefined],
      ['tags[0]', 'unchanged', '"a"', '"a"'],
      ['tags[1]', 'changed', '"b"', '"c"'],
      ['note', 'removed', '"x"', undefined],
      ['tags[2]', 'added', undefined, '"d"'],
      ['mfa', 'added', undefined, 'true'],
    ]);
  });

  it('treats a missing or null state as no fields, and empty objects and null inside as values', () => {
    expect(diffStates(undefined, { a: {} })).to.deep.equal([{ path: 'a', before: undefined, after: '{}', change: 'added' }]);
    expect(diffStates({ a: null }, null)).to.deep.equal([{ path: 'a', before: 'null', after: undefined, change: 'removed' }]);
  });
});
