import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { EMPTY_ROOT, leafHash, nodeHash, treeHash } from '../../domain/integrity/merkle-hash';
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion, type LeafRange } from '../../domain/integrity/merkle-proofs';
import { rangeHashFromStored } from '../../domain/integrity/range-hash';
import { storedLevels, storedSpansNeeded, TILE_HEIGHT } from '../../domain/integrity/stored-subtrees';

/** The RFC 6962 test leaves used by Certificate Transparency implementations, and their tree heads. */
const VECTOR_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => leafHash(Buffer.from(hex, 'hex')));
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const leavesOf = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${salt} ${i}`)));
const inMemory = (leaves: readonly Buffer[]) => (range: LeafRange) => treeHash(leaves.slice(range.start, range.end));
const hex = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('hex'));

function flipped(hash: Buffer, byte: number): Buffer {
  const copy = Buffer.from(hash);
  copy[byte % copy.length] = (copy[byte % copy.length] as number) ^ 0x01;
  return copy;
}

describe('integrity: RFC 9162 Merkle tree', () => {
  it('hashes the empty tree to SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(treeHash([]).equals(EMPTY_ROOT)).to.equal(true);
  });

  it('separates leaves from nodes with the 0x00 and 0x01 prefixes', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).to.equal(createHash('sha256').update(Buffer.from([0])).digest('hex'));
    const [a, b] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    expect(nodeHash(a, b).equals(createHash('sha256').update(Buffer.from([1])).update(a).update(b).digest())).to.equal(true);
  });

  it('gives the known tree heads of the RFC 6962 test vectors for sizes 1 to 8', () => {
    VECTOR_ROOTS.forEach((root, index) => expect(treeHash(VECTOR_LEAVES.slice(0, index + 1)).toString('hex')).to.equal(root));
  });

  it('gives the known inclusion and consistency proofs of the test vectors', () => {
    const hashOf = inMemory(VECTOR_LEAVES);
    const expected = [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ];
    expect(hex(inclusionProof(0, 8, hashOf))).to.deep.equal(expected);
    expect(hex(consistencyProof(1, 8, hashOf))).to.deep.equal(expected);
    expect(inclusionProof(0, 1, hashOf)).to.deep.equal([]);
    expect(consistencyProof(8, 8, hashOf)).to.deep.equal([]);
  });

  it('verifies every inclusion proof, and no proof with a flipped byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat(), (size, at, which, byte) => {
        const leaves = leavesOf(size);
        const index = at % size;
        const root = treeHash(leaves);
        const proof = inclusionProof(index, size, inMemory(leaves));
        expect(verifyInclusion(leaves[index] as Buffer, index, size, proof, root)).to.equal(true);
        expect(verifyInclusion(flipped(leaves[index] as Buffer, byte), index, size, proof, root)).to.equal(false);
        expect(verifyInclusion(leaves[index] as Buffer, index, size, proof, flipped(root, byte))).to.equal(false);
        if (proof.length > 0) {
          const bad = proof.map((hash, i) => (i === which % proof.length ? flipped(hash, byte) : hash));
          expect(verifyInclusion(leaves[index] as Buffer, index, size, bad, root)).to.equal(false);
        }
        if (size > 1) expect(verifyInclusion(leaves[index] as Buffer, (index + 1) % size, size, proof, root)).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });

  it('verifies every consistency proof, and no proof with a flipped byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat(), (second, at, which, byte) => {
        const leaves = leavesOf(second);
        const first = 1 + (at % second);
        const [firstRoot, secondRoot] = [treeHash(leaves.slice(0, first)), treeHash(leaves)];
        const proof = consistencyProof(first, second, inMemory(leaves));
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof)).to.equal(true);
        expect(verifyConsistency(first, second, flipped(firstRoot, byte), secondRoot, proof)).to.equal(false);
        expect(verifyConsistency(first, second, firstRoot, flipped(secondRoot, byte), proof)).to.equal(false);
        if (proof.length > 0) {
          const bad = proof.map((hash, i) => (i === which % proof.length ? flipped(hash, byte) : hash));
          expect(verifyConsistency(first, second, firstRoot, secondRoot, bad)).to.equal(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a consistency proof between trees that differ in a shared leaf', () => {
    const leaves = leavesOf(20);
    const other = leavesOf(20, 1);
    const forged = [...other.slice(0, 7), ...leaves.slice(7)];
    const proof = consistencyProof(7, 20, inMemory(forged));
    expect(verifyConsistency(7, 20, treeHash(leaves.slice(0, 7)), treeHash(forged), proof)).to.equal(false);
  });

  it('computes the same proofs from stored tile-level hashes as from all leaves', () => {
    const size = 2 ** (2 * TILE_HEIGHT) + 3 * 2 ** TILE_HEIGHT + 77;
    const leaves = leavesOf(size);
    const levels = new Map<number, Buffer[]>([[0, leaves]]);
    for (const { level, count } of storedLevels(size)) {
      const below = levels.get(level - TILE_HEIGHT) as Buffer[];
      const per = 2 ** TILE_HEIGHT;
      levels.set(level, Array.from({ length: count }, (_, i) => treeHash(below.slice(i * per, (i + 1) * per))));
    }
    expect([...levels.keys()]).to.deep.equal([0, TILE_HEIGHT, 2 * TILE_HEIGHT]);
    const stored = rangeHashFromStored((level, index) => levels.get(level)?.[index]);
    // Every level kept (not only tile levels), so the reference needs no long folds.
    const everyLevel: Buffer[][] = [leaves];
    for (let below = leaves; below.length > 1; ) {
      below = Array.from({ length: Math.floor(below.length / 2) }, (_, i) => nodeHash(below[2 * i] as Buffer, below[2 * i + 1] as Buffer));
      everyLevel.push(below);
    }
    const full = (range: LeafRange): Buffer => {
      const length = range.end - range.start;
      const height = Math.log2(length);
      if (Number.isInteger(height)) return everyLevel[height]?.[range.start / length] as Buffer;
      let k = 1;
      while (k * 2 < length) k *= 2;
      return nodeHash(full({ start: range.start, end: range.start + k }), full({ start: range.start + k, end: range.end }));
    };
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const index = a % size;
        const first = 1 + (b % size);
        expect(hex(inclusionProof(index, size, stored))).to.deep.equal(hex(inclusionProof(index, size, full)));
        expect(hex(consistencyProof(first, size, stored))).to.deep.equal(hex(consistencyProof(first, size, full)));
      }),
      { numRuns: 50 },
    );
    expect(stored({ start: 0, end: size }).equals(treeHash(leaves))).to.equal(true);
    const needed = storedSpansNeeded([{ start: 0, end: size }]);
    expect([...new Set(needed.map((span) => span.level))].sort()).to.deep.equal([0, TILE_HEIGHT, 2 * TILE_HEIGHT].sort());
    expect(needed.reduce((sum, span) => sum + span.count, 0)).to.be.below(3 * 2 ** TILE_HEIGHT);
  });
});
