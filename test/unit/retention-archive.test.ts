import { expect } from 'chai';
import { resumePoint } from '../../activities/archive-resume';
import { archiveLayout } from '../../adapters/s3/archive-layout';
import { compareKeys } from '../../domain/archive-row';
import { ArchiveIntegrityError } from '../../adapters/s3/errors';
import { buildManifest, checkManifest, parseManifest, serializeManifest } from '../../adapters/s3/manifest';
import type { ArchivePartRecord } from '../../domain/archive-row';
import { checkCutoff } from '../../features/retention/cutoff-rules';

const TENANT = '11111111-2222-4333-8444-555555555555';
const TASK = '01a22865-cb0a-789e-b9ed-1720c711b5cf';
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

function part(partNumber: number, firstTs: string, lastTs: string, rows = 10): ArchivePartRecord {
  return {
    partNumber,
    key: archiveLayout(TENANT, TASK, new Date('2025-01-01T00:00:00Z')).partKey(partNumber),
    rows,
    bytes: 100 * rows,
    sha256: String(partNumber).repeat(64).slice(0, 64),
    first: { event_timestamp: firstTs, id: id(partNumber * 100) },
    last: { event_timestamp: lastTs, id: id(partNumber * 100 + 99) },
  };
}

describe('archive layout, keys and manifest', () => {
  it('names parts and the manifest deterministically under the month of the cutoff', () => {
    const layout = archiveLayout(TENANT, TASK, new Date('2024-03-01T00:00:00.000Z'));
    expect(layout.partKey(1)).to.equal(`tenants/${TENANT}/archives/2024/03/${TASK}/part-00001.ndjson.gz`);
    expect(layout.partKey(12345)).to.equal(`tenants/${TENANT}/archives/2024/03/${TASK}/part-12345.ndjson.gz`);
    expect(layout.manifestKey).to.equal(`tenants/${TENANT}/archives/2024/03/${TASK}/manifest.json`);
    expect(() => layout.partKey(0)).to.throw(RangeError);
  });

  it('orders keys as PostgreSQL does, to the microsecond and then by uuid', () => {
    const at = (event_timestamp: string, n = 1) => ({ event_timestamp, id: id(n) });
    expect(compareKeys(at('2024-05-01T10:00:00.123Z'), at('2024-05-01T10:00:00.123001Z'))).to.equal(-1);
    expect(compareKeys(at('2024-05-01T10:00:00.999999Z'), at('2024-05-01T10:00:01.000Z'))).to.equal(-1);
    expect(compareKeys(at('2024-05-01T10:00:00.500Z', 2), at('2024-05-01T10:00:00.500000Z', 1))).to.equal(1);
    expect(compareKeys(at('2024-05-01T10:00:00.500Z', 1), at('2024-05-01T10:00:00.500000Z', 1))).to.equal(0);
  });

  it('builds a manifest that round-trips and checks out, and rejects inconsistent ones', () => {
    const parts = [part(1, '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'), part(2, '2024-02-01T00:00:00.000001Z', '2024-03-01T00:00:00.000Z', 3)];
    const manifest = buildManifest({ tenantId: TENANT, taskId: TASK, beforeDate: '2025-01-01T00:00:00.000Z', snapshotAt: '2025-06-01T00:00:00.000Z', createdAt: new Date(), parts });
    expect(manifest).to.include({ total_rows: 13, total_bytes: 1300 });
    expect(manifest.first_key).to.deep.equal(parts[0]?.first);
    expect(manifest.last_key).to.deep.equal(parts[1]?.last);
    expect(parseManifest('m', serializeManifest(manifest))).to.deep.equal(manifest);

    const broken = [
      { ...manifest, tenant_id: '99999999-2222-4333-8444-555555555555' },
      { ...manifest, total_rows: 12 },
      { ...manifest, parts: [manifest.parts[1], manifest.parts[0]] },
      { ...manifest, parts: manifest.parts.map((p) => ({ ...p, first_key: manifest.parts[0]?.first_key })) },
    ];
    for (const candidate of broken) expect(() => checkManifest(candidate as typeof manifest, { tenantId: TENANT, taskId: TASK })).to.throw(ArchiveIntegrityError);
    expect(() => parseManifest('m', '{"format":"something else"}')).to.throw(ArchiveIntegrityError, /malformed/);
  });

  it('resumes after the last recorded part, never behind or beyond it', () => {
    const recorded = [part(1, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'), part(2, '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z')];
    expect(resumePoint([], undefined)).to.deep.equal({ partsDone: 0, rowsDone: 0, after: undefined });
    expect(resumePoint(recorded, { partsDone: 1, rowsDone: 10, after: recorded[0]?.last })).to.deep.equal({ partsDone: 2, rowsDone: 20, after: recorded[1]?.last });
    expect(() => resumePoint(recorded, { partsDone: 3, rowsDone: 30, after: null })).to.throw(ArchiveIntegrityError);
    expect(() => resumePoint([recorded[1] as ArchivePartRecord], undefined)).to.throw(ArchiveIntegrityError);
  });

  it('accepts a cutoff up to now and refuses one in the future', () => {
    const now = new Date('2025-06-01T12:00:00.000Z');
    expect(checkCutoff(new Date('2025-06-01T12:00:00.000Z'), now)).to.deep.equal([]);
    expect(checkCutoff(new Date('2025-06-01T12:00:00.001Z'), now)).to.deep.equal([{ path: '/before_date', message: 'must not be in the future' }]);
    expect(checkCutoff(new Date('not a date'), now)).to.deep.equal([{ path: '/before_date', message: 'must be an RFC 3339 date-time' }]);
  });
});
