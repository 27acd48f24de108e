import { expect } from 'chai';
import { createCursorCodec, InvalidCursorError, type CursorState } from '../../adapters/opensearch/search-cursor';

const STATE: CursorState = {
  tenantId: '0b6f4a52-7c3e-4f0e-9d5c-1a2b3c4d5e6f',
  filter: { severity: ['ERROR'], q: 'disk "quota"' },
  sort: 'desc',
  pageSize: 50,
  page: 3,
  after: [1767225600000, '01890a5d-ac96-774b-bcce-b302099a8057'],
};

describe('search cursors', () => {
  const codec = createCursorCodec('s'.repeat(32));

  it('round-trips the query, tenant and position', () => {
    expect(codec.decode(codec.encode(STATE))).to.deep.equal(STATE);
  });

  it('rejects a cursor signed with another secret', () => {
    const foreign = createCursorCodec('t'.repeat(32)).encode(STATE);
    expect(() => codec.decode(foreign)).to.throw(InvalidCursorError);
  });

  it('rejects any change to the payload or the signature', () => {
    const [body, signature] = codec.encode(STATE).split('.') as [string, string];
    const changed = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"p":3', '"p":4')).toString('base64url');
    for (const cursor of [`${changed}.${signature}`, `${body}.${signature.slice(0, -1)}`, `${body}`, `${body}.${signature}.`, '']) {
      expect(() => codec.decode(cursor), cursor).to.throw(InvalidCursorError);
    }
  });
});
