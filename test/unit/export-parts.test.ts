import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { encodeRows } from '../../features/export/export-formats';
import { exportParts, type ExportPart } from '../../features/export/export-parts';
import type { ExportRow } from '../../features/export/export-rows';

// Random text gzip cannot shrink much, so 20 MB of it spans several 5 MiB parts.
const ROWS = 20_000;
const keyed: ExportRow[] = Array.from({ length: ROWS }, (_, i) => {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const timestamp = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
  return [id, JSON.stringify({ id, message: randomBytes(750).toString('base64') }), timestamp];
});

async function collect(rows: ExportRow[], first: boolean): Promise<ExportPart[]> {
  const parts: ExportPart[] = [];
  async function* source() {
    yield* rows;
  }
  for await (const part of exportParts(source(), { format: 'ndjson', first })) parts.push(part);
  return parts;
}

describe('export parts: where a resumed export job cuts its object', () => {
  it('cuts whole gzip members of whole rows into parts of at least 5 MiB but the last, decompressing to the export text', async () => {
    const parts = await collect(keyed, true);
    expect(parts.length).to.be.at.least(3);
    for (const part of parts.slice(0, -1)) expect(part.body.length).to.be.at.least(5 * 1024 * 1024);
    expect(parts.reduce((sum, part) => sum + part.rows, 0)).to.equal(ROWS);
    expect(parts.at(-1)?.last?.id).to.equal(keyed.at(-1)?.[0]);
    const text = gunzipSync(Buffer.concat(parts.map((part) => part.body))).toString('utf8');
    expect(text).to.equal(encodeRows('ndjson', keyed, true));
  });

  it('resumed after any part, writes exactly the parts an uninterrupted run writes', async () => {
    const whole = await collect(keyed, true);
    for (let kept = 1; kept < whole.length; kept++) {
      const rowsKept = whole.slice(0, kept).reduce((sum, part) => sum + part.rows, 0);
      expect(whole[kept - 1]?.last?.id).to.equal(keyed[rowsKept - 1]?.[0]);
      const resumed = await collect(keyed.slice(rowsKept), false);
      expect(Buffer.concat(resumed.map((part) => part.body)).equals(Buffer.concat(whole.slice(kept).map((part) => part.body))), `resumed after part ${kept}`).to.equal(true);
    }
  });

  it('writes one part for an export with no rows: a CSV header, or an empty gzip stream', async () => {
    for (const format of ['csv', 'ndjson'] as const) {
      const parts: ExportPart[] = [];
      for await (const part of exportParts((async function* () {})(), { format, first: true })) parts.push(part);
      expect(parts).to.have.length(1);
      expect(gunzipSync(parts[0]?.body as Buffer).toString('utf8')).to.equal(encodeRows(format, [], true));
    }
  });
});
