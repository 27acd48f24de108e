import { expect } from 'chai';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { leafHash, treeHash } from '../../domain/integrity/merkle-hash';
import { consistencyProof, inclusionProof, type LeafRange } from '../../domain/integrity/merkle-proofs';
import { signCheckpoint } from '../../domain/integrity/signed-checkpoint';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { parseSigningKey, publicJwk } from '../../domain/integrity/signing-keys';
import { checkSignedCheckpoint, consistencyHolds, inclusionHolds, leafHashOf, mth } from '../support/independent-verifier';

/** The service's code and the tests' independent verifier agree; the integration tests then trust the latter alone. */
describe('integrity: the independent verifier agrees with the service core', () => {
  it('on tree heads, inclusion and consistency proofs of random trees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (size, a, b) => {
        const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`e${i}`)));
        const hashOf = (range: LeafRange) => treeHash(leaves.slice(range.start, range.end));
        const root = mth(leaves);
        expect(root.equals(treeHash(leaves))).to.equal(true);
        const index = a % size;
        expect(inclusionHolds(leaves[index] as Buffer, index, size, inclusionProof(index, size, hashOf), root)).to.equal(true);
        const first = 1 + (b % size);
        expect(consistencyHolds(first, size, mth(leaves.slice(0, first)), root, consistencyProof(first, size, hashOf))).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });

  it('on event leaves and signed checkpoints', () => {
    const event = { id: 'x', seq: 3, message: 'caf\u00e9 \u20ac', metadata: { z: 1.5, a: [null, true, 1e21] } };
    expect(leafHashOf(event).equals(eventLeafHash(event))).to.equal(true);
    const key = parseSigningKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const checkpoint = signCheckpoint('audit.example', 't1', 9, Buffer.alloc(32, 3), key);
    const jwks = { keys: [publicJwk(key)] };
    expect(checkSignedCheckpoint(checkpoint.note, checkpoint.key_id, jwks)).to.deep.equal({ origin: 'audit.example/tenants/t1', size: 9, root: Buffer.alloc(32, 3) });
    expect(checkSignedCheckpoint(checkpoint.note.replace('\n9\n', '\n8\n'), checkpoint.key_id, jwks)).to.equal(undefined);
  });
});
