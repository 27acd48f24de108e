import { expect } from 'chai';
import { queriesInTurn } from '../../adapters/postgres/queries-in-turn';
import { coveringRange, lookupRanges, reindexPayload } from '../../domain/event-time-range';

const at = (iso: string) => new Date(iso);

describe('event time ranges of reindex tasks (the sealer reads only the partitions they name)', () => {
  it('a reindex payload spans its rows\' event times, both ends inclusive', () => {
    const rows = [
      { id: 'b', event_timestamp: at('2026-03-02T00:00:00.005Z') },
      { id: 'a', event_timestamp: at('2025-11-30T23:59:59.999Z') },
      { id: 'c', event_timestamp: at('2026-01-15T12:00:00.000Z') },
    ];
    expect(reindexPayload(rows)).to.deep.equal({ log_ids: ['b', 'a', 'c'], event_time_range: { from: '2025-11-30T23:59:59.999Z', to: '2026-03-02T00:00:00.005Z' } });
    expect(reindexPayload([])).to.deep.equal({ log_ids: [] });
  });

  it('merges overlapping and nearby ranges, keeps distant ones apart', () => {
    const ranges = lookupRanges([
      { from: at('2026-01-01T00:00:00Z'), to: at('2026-01-01T01:00:00Z') },
      { from: at('2020-05-01T00:00:00Z'), to: at('2020-05-01T00:00:00Z') },
      { from: at('2026-01-01T00:30:00Z'), to: at('2026-01-01T02:00:00Z') },
      { from: at('2026-01-01T12:00:00Z'), to: at('2026-01-01T13:00:00Z') },
    ]);
    expect(ranges.map(({ from, to }) => [from.toISOString(), to.toISOString()])).to.deep.equal([
      ['2020-05-01T00:00:00.000Z', '2020-05-01T00:00:00.000Z'],
      ['2026-01-01T00:00:00.000Z', '2026-01-01T13:00:00.000Z'],
    ]);
  });

  it('is unbounded when any batch has no range, and one overall span when too many remain', () => {
    expect(lookupRanges([{ from: at('2026-01-01T00:00:00Z'), to: at('2026-01-02T00:00:00Z') }, null])).to.deep.equal([]);
    expect(lookupRanges([])).to.deep.equal([]);
    const yearly = Array.from({ length: 12 }, (_, year) => ({ from: at(`${2010 + year}-06-01T00:00:00Z`), to: at(`${2010 + year}-06-02T00:00:00Z`) }));
    expect(lookupRanges(yearly).map(({ from, to }) => [from.toISOString(), to.toISOString()])).to.deep.equal([['2010-06-01T00:00:00.000Z', '2021-06-02T00:00:00.000Z']]);
  });
});

describe('queries in turn on one connection', () => {
  it('starts each query only after the previous settled, sends the next before the awaiter resumes, and survives a failure', async () => {
    const inTurn = queriesInTurn();
    const log: string[] = [];
    let release: (() => void) | undefined;
    let fail: (() => void) | undefined;
    const first = inTurn(() => new Promise<string>((resolve) => {
      log.push('start 1');
      release = () => resolve('one');
    }));
    const second = inTurn(() => new Promise<string>((_, reject) => {
      log.push('start 2');
      fail = () => reject(new Error('two failed'));
    }));
    const third = inTurn(async () => {
      log.push('start 3');
      return 'three';
    });
    expect(log).to.deep.equal(['start 1']);
    release?.();
    expect(await first).to.equal('one');
    expect(log).to.deep.equal(['start 1', 'start 2']);
    fail?.();
    await second.then(() => expect.fail('the second query should fail'), (error: Error) => expect(error.message).to.equal('two failed'));
    expect(await third).to.equal('three');
  });
});

describe('coveringRange: the partitions a read of known event times may look in', () => {
  it('spans the earliest to one millisecond past the latest (PostgreSQL keeps microseconds)', () => {
    const range = coveringRange([Date.parse('2026-03-02T00:00:00.005Z'), Date.parse('2025-11-30T23:59:59.999Z')]);
    expect(range).to.deep.equal({ from: at('2025-11-30T23:59:59.999Z'), to: at('2026-03-02T00:00:00.006Z') });
  });

  it('is null for no instants, or when any is unknown: nothing may be left unread', () => {
    expect(coveringRange([])).to.equal(null);
    expect(coveringRange([Date.parse('2026-03-02T00:00:00Z'), Number.NaN])).to.equal(null);
  });
});
