import { expect } from 'chai';
import { sizedBatches, sizedParts, type SizedPart } from '../../domain/sized-parts';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, n) => `${prefix}${n}`);
const lengths = (parts: SizedPart[]) => parts.map((part) => part.ids.length);

describe('sizedParts: what an index or seal run reads at once', () => {
  it('cuts small events by rows, across batch boundaries, in order and without repeats', () => {
    const parts = sizedParts([{ ids: ids('a', 1500), bytes: 750_000 }, { ids: [...ids('b', 1500), 'a3'], bytes: 750_000 }], { rows: 2000, bytes: 4_000_000 });
    expect(lengths(parts)).to.deep.equal([2000, 1000]);
    expect(parts.flatMap((part) => part.ids)).to.deep.equal([...ids('a', 1500), ...ids('b', 1500)]);
    // A repeated id is read once and counted once.
    expect(parts[0]?.bytes).to.be.closeTo(750_000 + 500 * (750_000 / 1501), 1e-6);
    expect(parts[1]?.bytes).to.be.closeTo(1000 * (750_000 / 1501), 1e-6);
  });

  it('cuts events at the API limit by characters: a part holds a few MB, not 2,000 x 64 KiB', () => {
    // Forty bulk requests of 85 events of ~56 KiB each: what killed a 128 MB worker.
    const batches = Array.from({ length: 40 }, (_, b) => ({ ids: ids(`r${b}-`, 85), bytes: 85 * 57_000 }));
    const parts = sizedParts(batches, { rows: 2000, bytes: 4 * 1024 * 1024 });
    expect(parts.flatMap((part) => part.ids)).to.have.length(3400);
    for (const part of parts) expect(part.bytes).to.equal(part.ids.length * 57_000).and.to.be.at.most(4 * 1024 * 1024);
    expect(Math.max(...lengths(parts))).to.equal(Math.floor((4 * 1024 * 1024) / 57_000));
  });

  it('splits one batch larger than a part, and never leaves a part empty however large one event is', () => {
    expect(lengths(sizedParts([{ ids: ids('g', 1000), bytes: 64_000_000 }], { rows: 2500, bytes: 8_000_000 }))).to.deep.equal([125, 125, 125, 125, 125, 125, 125, 125]);
    expect(lengths(sizedParts([{ ids: ids('h', 3), bytes: 30_000_000 }], { rows: 2500, bytes: 1_000_000 }))).to.deep.equal([1, 1, 1]);
  });

  it('cuts batches without a size (tasks older than the count) by rows alone', () => {
    expect(lengths(sizedParts([{ ids: ids('o', 5000), bytes: null }, { ids: ids('p', 10), bytes: 1000 }], { rows: 2000, bytes: 4_000_000 }))).to.deep.equal([2000, 2000, 1010]);
    expect(sizedParts([], { rows: 10, bytes: 10 })).to.deep.equal([]);
  });
});

describe('sizedBatches: a stream gathered into batches of rows and size, as its sizes arrive', () => {
  async function* stream(sizes: number[]) {
    for (const [n, bytes] of sizes.entries()) yield { item: n, bytes };
  }
  const gather = async (sizes: number[], limits: { rows: number; bytes: number }) => {
    const batches: number[][] = [];
    for await (const batch of sizedBatches(stream(sizes), limits)) batches.push(batch);
    return batches;
  };

  it('closes a batch at the row limit when items are small', async () => {
    expect(await gather([1, 1, 1, 1, 1], { rows: 2, bytes: 1000 })).to.deep.equal([[0, 1], [2, 3], [4]]);
  });

  it('closes a batch before the item that would take it past the size, and keeps every item in order', async () => {
    // Lines of ~56 KiB against 4 MiB: 74 per batch, far below the 1,000-row limit.
    const batches = await gather(Array.from({ length: 200 }, () => 56_000), { rows: 1000, bytes: 4 * 1024 * 1024 });
    expect(batches.map((batch) => batch.length)).to.deep.equal([74, 74, 52]);
    expect(batches.flat()).to.deep.equal(Array.from({ length: 200 }, (_, n) => n));
  });

  it('puts an item larger than the size in a batch alone, and yields nothing for an empty stream', async () => {
    expect(await gather([10, 5000, 10], { rows: 100, bytes: 100 })).to.deep.equal([[0], [1], [2]]);
    expect(await gather([], { rows: 100, bytes: 100 })).to.deep.equal([]);
  });
});
