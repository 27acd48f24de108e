import { expect } from 'chai';
import { neutraliseFormula } from '../../features/export/export-formats';

describe('CSV formula neutralisation', () => {
  it('prefixes a single quote to cells a spreadsheet would evaluate', () => {
    for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx', '＝1', '＋1', '－1', '＠x']) {
      expect(neutraliseFormula(cell), JSON.stringify(cell)).to.equal(`'${cell}`);
    }
  });

  it('leaves every other cell as it is', () => {
    for (const cell of ['', 'alice', '1-2', ' =1', '{"a":"=1"}', '2026-01-01T00:00:00.000Z', "'quoted"]) {
      expect(neutraliseFormula(cell)).to.equal(cell);
    }
  });
});
