import { expect } from 'chai';
import { planLogPartitions, type PartitionRange } from '../../domain/log-partition-plan';

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const range = (from: string, to: string): PartitionRange => ({ from: utc(from), to: utc(to) });
const show = (ranges: PartitionRange[]) => ranges.map((r) => `${r.from.toISOString().slice(0, 10)}..${r.to.toISOString().slice(0, 10)}`);
const monthly = (first: string, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const from = utc(first);
    from.setUTCMonth(from.getUTCMonth() + i);
    const to = new Date(from);
    to.setUTCMonth(to.getUTCMonth() + 1);
    return { from, to };
  });

describe('log partition plan: monthly ahead, yearly back to the horizon', () => {
  const now = new Date('2026-12-06T05:00:00Z');

  it('covers an empty table with one partition per year, then months from the previous one to N ahead', () => {
    const plan = planLogPartitions({ now, horizonYears: 5, monthsAhead: 3, existing: [] });
    expect(show(plan)).to.deep.equal([
      '2021-01-01..2022-01-01', '2022-01-01..2023-01-01', '2023-01-01..2024-01-01', '2024-01-01..2025-01-01', '2025-01-01..2026-01-01',
      '2026-01-01..2026-11-01',
      '2026-11-01..2026-12-01', '2026-12-01..2027-01-01', '2027-01-01..2027-02-01', '2027-02-01..2027-03-01', '2027-03-01..2027-04-01',
    ]);
  });

  it('plans nothing when everything is in place, so a second run creates nothing', () => {
    const first = planLogPartitions({ now, horizonYears: 5, monthsAhead: 3, existing: [] });
    expect(planLogPartitions({ now, horizonYears: 5, monthsAhead: 3, existing: first })).to.deep.equal([]);
    const nextDay = new Date('2026-12-07T05:00:00Z');
    expect(planLogPartitions({ now: nextDay, horizonYears: 5, monthsAhead: 3, existing: first })).to.deep.equal([]);
  });

  it('adds the month that comes into the window, and nothing else, when a month turns', () => {
    const first = planLogPartitions({ now, horizonYears: 5, monthsAhead: 3, existing: [] });
    const plan = planLogPartitions({ now: new Date('2027-01-01T00:00:00Z'), horizonYears: 5, monthsAhead: 3, existing: first });
    expect(show(plan)).to.deep.equal(['2027-04-01..2027-05-01']);
  });

  it('fills only the gaps around the monthly partitions of the old scheme, so no row has to move', () => {
    // Migration 003 made a year of monthly partitions; backdated events made two more in 2023.
    const existing = [...monthly('2025-12-01', 16), range('2023-03-01', '2023-04-01'), range('2023-07-01', '2023-08-01')];
    const plan = planLogPartitions({ now, horizonYears: 5, monthsAhead: 3, existing });
    expect(show(plan)).to.deep.equal([
      '2021-01-01..2022-01-01', '2022-01-01..2023-01-01',
      '2023-01-01..2023-03-01', '2023-04-01..2023-07-01', '2023-08-01..2024-01-01',
      '2024-01-01..2025-01-01', '2025-01-01..2025-12-01',
    ]);
    const covered = [...existing, ...plan].sort((a, b) => a.from.getTime() - b.from.getTime());
    covered.slice(1).forEach((r, i) => expect(r.from.getTime(), show([r])[0]).to.equal(covered[i]?.to.getTime()));
  });

  it('keeps every planned range within one calendar year and whole months', () => {
    const plan = planLogPartitions({ now: new Date('2026-01-15T00:00:00Z'), horizonYears: 100, monthsAhead: 24, existing: [range('1950-05-01', '1950-06-01')] });
    for (const r of plan) {
      expect(r.from.getUTCDate(), show([r])[0]).to.equal(1);
      expect(r.to.getUTCDate(), show([r])[0]).to.equal(1);
      expect(r.to > r.from).to.equal(true);
      expect(r.to <= new Date(Date.UTC(r.from.getUTCFullYear() + 1, 0, 1))).to.equal(true);
    }
    // 1926..2024 yearly (1950 in two pieces around May), January to November 2025, then December 2025 to 24 months ahead.
    expect(plan).to.have.length(99 + 1 + 1 + 26);
    expect(show(plan.slice(0, 1))).to.deep.equal(['1926-01-01..1927-01-01']);
    expect(show(plan).filter((r) => r.startsWith('1950'))).to.deep.equal(['1950-01-01..1950-05-01', '1950-06-01..1951-01-01']);
  });

  it('starts the monthly window in the previous year in January', () => {
    const plan = planLogPartitions({ now: new Date('2027-01-10T00:00:00Z'), horizonYears: 1, monthsAhead: 1, existing: [] });
    expect(show(plan)).to.deep.equal(['2026-01-01..2026-12-01', '2026-12-01..2027-01-01', '2027-01-01..2027-02-01', '2027-02-01..2027-03-01']);
  });
});
