import { expect } from 'chai';
import { csvCopyStatement, ndjsonCopyStatement } from '../../features/export/export-rows';
import { rowCounter } from '../../features/export/log-export';
import { inlineSqlCondition } from '../../adapters/postgres/inline-literals';
import { tenantFilterSql } from '../../features/export/filter-sql';

const TENANT = '0190a2b4-0000-7000-8000-0000000000aa';

describe('export: filters written as literals for a COPY', () => {
  it('quotes every value, doubling quotes and backslashes, and leaves a value that looks like a placeholder alone', () => {
    const where = inlineSqlCondition(tenantFilterSql(TENANT, { user_id: "o'brien\\", action: '$1', severity: ['INFO', "x'y"] as never, start_time: '2026-01-01T00:00:00Z' }));
    expect(where).to.equal(
      `tenant_id = '${TENANT}' AND user_id =  E'o''brien\\\\' AND action = '$1' AND severity = ANY(ARRAY['INFO', 'x''y']::text[]) AND event_timestamp >= '2026-01-01T00:00:00Z'::timestamptz`,
    );
  });

  it('places $10 and up, not $1 followed by a digit', () => {
    const condition = { where: 'a = $1 AND b = $10 AND c = $11', values: ['one', '2', '3', '4', '5', '6', '7', '8', '9', 'ten', 'eleven'] };
    expect(inlineSqlCondition(condition)).to.equal("a = 'one' AND b = 'ten' AND c = 'eleven'");
  });

  it('refuses a value with a NUL character, so the export keeps its parameters', () => {
    expect(inlineSqlCondition(tenantFilterSql(TENANT, { user_id: 'a\u0000b' }))).to.equal(undefined);
    expect(inlineSqlCondition(tenantFilterSql(TENANT, { severity: ['INFO', 'a\u0000'] as never }))).to.equal(undefined);
    expect(ndjsonCopyStatement(TENANT, { resource: '\u0000' })).to.equal(undefined);
    expect(csvCopyStatement(TENANT, { resource: '\u0000' })).to.equal(undefined);
  });

  it('writes a COPY whose lines are the JSON text verbatim: CSV with a delimiter and quote no JSON text holds', () => {
    const statement = ndjsonCopyStatement(TENANT, { user_id: 'u' }) as string;
    expect(statement).to.match(/^COPY \(SELECT event_json\.line FROM logs CROSS JOIN LATERAL \(SELECT row_to_json\(event\)::text AS line .*\) AS event_json WHERE tenant_id = '[^']+' AND user_id = 'u' ORDER BY event_timestamp, id\) TO STDOUT WITH \(FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'\)$/s);
  });
});

describe('export: rows counted in the bytes of a COPY', () => {
  const countAll = (format: 'csv' | 'ndjson', chunks: string[]) => {
    const count = rowCounter(format);
    return chunks.reduce((rows, chunk) => rows + count(Buffer.from(chunk, 'utf8')), 0);
  };

  it('counts NDJSON lines', () => {
    expect(countAll('ndjson', ['{"a":"x\\\\ny"}\n{"b":1}', '\n', '{"c":2}\n'])).to.equal(3);
  });

  it('counts CSV rows, not the newlines inside quoted cells, with quotes and rows split across chunks', () => {
    const csv = ['a,"multi\nline",b\n', 'c,"say ""hi""\r\n, ok",d\n', 'e,"x""', '\n""y",f\n', 'g,,h\n'];
    expect(countAll('csv', csv)).to.equal(4);
    expect(countAll('csv', [csv.join('')])).to.equal(4);
    expect(countAll('csv', [...csv.join('')])).to.equal(4);
  });

  it('counts CSV rows as a byte-by-byte quote toggle does, for random bytes of quotes, newlines and text cut at random', () => {
    const reference = (text: string) => {
      let [rows, quoted] = [0, false];
      for (const character of text) {
        if (character === '"') quoted = !quoted;
        else if (character === '\n' && !quoted) rows += 1;
      }
      return rows;
    };
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % below;
    for (let round = 0; round < 500; round += 1) {
      const text = Array.from({ length: random(200) }, () => ['"', '\n', 'a', ',', '\r'][random(5)]).join('');
      const cuts = [...new Set(Array.from({ length: random(6) }, () => random(text.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...cuts, text.length].slice(1).map((end, index, ends) => text.slice(index === 0 ? 0 : ends[index - 1], end));
      expect(countAll('csv', chunks), JSON.stringify(chunks)).to.equal(reference(text));
    }
  });
});
