import { expect } from 'chai';
import { LineTally } from '../../adapters/s3/line-tally';

const LINES = ['{"id":"a","message":"first"}', '{"id":"b","message":"ünïcode ✓"}', '{"id":"c"}', '{"id":"d","message":"last"}'];
const BYTES = Buffer.from(LINES.map((line) => `${line}\n`).join(''));

/** The tally of BYTES cut into chunks at `cuts` (byte offsets). */
function tallyOf(cuts: readonly number[]): LineTally {
  const tally = new LineTally();
  const bounds = [0, ...cuts, BYTES.length];
  for (let index = 1; index < bounds.length; index += 1) tally.push(BYTES.subarray(bounds[index - 1], bounds[index]));
  return tally;
}

describe('archive: counting the lines a COPY streams', () => {
  it('counts every line and keeps the first and last, however the bytes are cut (every single cut, inside multi-byte characters too)', () => {
    for (let cut = 0; cut <= BYTES.length; cut += 1) {
      const tally = tallyOf([cut]);
      expect(tally.lines, `cut at ${cut}`).to.equal(LINES.length);
      expect(tally.first(), `cut at ${cut}`).to.equal(LINES[0]);
      expect(tally.last(), `cut at ${cut}`).to.equal(LINES.at(-1));
      expect(tally.trailingBytes, `cut at ${cut}`).to.equal(0);
    }
  });

  it('joins a line spread over many chunks, one byte each', () => {
    const tally = tallyOf(Array.from({ length: BYTES.length - 1 }, (_, index) => index + 1));
    expect([tally.lines, tally.first(), tally.last()]).to.deep.equal([LINES.length, LINES[0], LINES.at(-1)]);
  });

  it('knows the last complete line while the stream is still running, and reports bytes after the last newline', () => {
    const tally = new LineTally();
    const secondEnds = BYTES.indexOf('\n', BYTES.indexOf('\n') + 1);
    tally.push(BYTES.subarray(0, secondEnds + 5));
    expect([tally.lines, tally.last(), tally.trailingBytes]).to.deep.equal([2, LINES[1], 4]);
  });

  it('has no lines, and no first or last, before a newline', () => {
    const tally = new LineTally();
    tally.push(Buffer.from('{"id":"no newline"}'));
    expect([tally.lines, tally.first(), tally.last(), tally.trailingBytes]).to.deep.equal([0, undefined, undefined, 19]);
  });
});
