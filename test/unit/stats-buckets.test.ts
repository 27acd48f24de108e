import { expect } from 'chai';
import { alignDown, bucketCount, bucketStarts } from '../../adapters/opensearch/stats-buckets';

const t = (iso: string) => Date.parse(iso);

describe('stats buckets', () => {
  it('aligns to UTC minute, hour and day boundaries', () => {
    expect(new Date(alignDown(t('2026-03-29T01:59:59.999Z'), 'minute')).toISOString()).to.equal('2026-03-29T01:59:00.000Z');
    expect(new Date(alignDown(t('2026-03-29T01:59:59.999Z'), 'hour')).toISOString()).to.equal('2026-03-29T01:00:00.000Z');
    expect(new Date(alignDown(t('2026-03-29T01:59:59.999Z'), 'day')).toISOString()).to.equal('2026-03-29T00:00:00.000Z');
  });

  it('covers [start, end) with every overlapping bucket', () => {
    const starts = bucketStarts(t('2026-01-01T10:30:00Z'), t('2026-01-01T13:00:00Z'), 'hour').map((ms) => new Date(ms).toISOString());
    expect(starts).to.deep.equal(['2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
    expect(bucketCount(t('2026-01-01T10:30:00Z'), t('2026-01-01T13:00:00Z'), 'hour')).to.equal(3);
    expect(bucketCount(t('2026-01-01T10:30:00Z'), t('2026-01-01T13:00:00.001Z'), 'hour')).to.equal(4);
  });
});
