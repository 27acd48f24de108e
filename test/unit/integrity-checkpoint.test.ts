import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { canonicalBytes } from '../../domain/integrity/canonical-json';
import { parseCheckpointBody } from '../../domain/integrity/checkpoint';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { checkpointFault, signCheckpoint } from '../../domain/integrity/signed-checkpoint';
import { noteKeyHash, noteSignedBy, noteVerifierKey, parseSignedNote, signText } from '../../domain/integrity/signed-note';
import { jwkThumbprint, parseSigningKey, publicJwk, verifyingKeyFromJwk } from '../../domain/integrity/signing-keys';

function newKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

describe('integrity: canonical JSON, checkpoints and signed notes', () => {
  it('canonicalises JSON as RFC 8785 §3.2.2 shows', () => {
    const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
    expect(canonicalBytes(input).toString('utf8')).to.equal('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('makes an event leaf depend on every field, seq included, and not on key order', () => {
    const event = { id: 'a', seq: 1, metadata: { b: 1, a: [1, 2] } };
    expect(eventLeafHash(event).equals(eventLeafHash({ metadata: { a: [1, 2], b: 1 }, seq: 1, id: 'a' }))).to.equal(true);
    expect(eventLeafHash(event).equals(eventLeafHash({ ...event, seq: 2 }))).to.equal(false);
    expect(eventLeafHash(event).equals(eventLeafHash({ ...event, metadata: { b: 1, a: [2, 1] } }))).to.equal(false);
  });

  it('signs notes exactly as Go golang.org/x/mod/sumdb/note does (its published test vector)', () => {
    const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
    const publicKey = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1);
    const key = parseSigningKey(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: publicKey.toString('base64url') }));
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    expect(noteVerifierKey('PeterNeumann', key.publicKey)).to.equal('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const line = Buffer.concat([noteKeyHash('PeterNeumann', key.publicKey), signText(text, key.privateKey)]).toString('base64');
    expect(line).to.equal('x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=');
    expect(noteSignedBy(`${text}\n\u2014 PeterNeumann ${line}\n`, 'PeterNeumann', key.publicKey)).to.equal(true);
  });

  it('signs a checkpoint whose body, note and signature verify, and reports tampering by kind', () => {
    const key = parseSigningKey(newKeyPem());
    const other = parseSigningKey(newKeyPem());
    const root = Buffer.alloc(32, 7);
    const checkpoint = signCheckpoint('https://audit.example', 'tenant-1', 42, root, key);
    expect(checkpoint.body).to.equal(`https://audit.example/tenants/tenant-1\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpointBody(checkpoint.body)).to.deep.equal({ origin: checkpoint.origin, treeSize: 42, rootHash: root });
    expect(Buffer.from(checkpoint.signature, 'base64')).to.have.length(64);
    expect(parseSignedNote(checkpoint.note)?.text).to.equal(checkpoint.body);
    expect(noteSignedBy(checkpoint.note, checkpoint.origin, key.publicKey)).to.equal(true);
    expect(noteSignedBy(checkpoint.note, checkpoint.origin, other.publicKey)).to.equal(false);
    expect(checkpointFault(checkpoint, [other, key])).to.equal(undefined);

    expect(checkpointFault(checkpoint, [other])?.kind).to.equal('bad_signature');
    const forgedBody = checkpoint.body.replace('\n42\n', '\n43\n');
    expect(checkpointFault({ ...checkpoint, body: forgedBody, tree_size: 43 }, [key])?.kind).to.equal('bad_signature');
    const resigned = signCheckpoint('https://audit.example', 'tenant-1', 42, root, { ...other, kid: key.kid });
    expect(checkpointFault(resigned, [key])?.kind).to.equal('bad_signature');
    const older = signCheckpoint('https://audit.example', 'tenant-1', 40, Buffer.alloc(32, 1), key);
    expect(checkpointFault({ ...checkpoint, body: older.body, signature: older.signature }, [key])?.kind).to.equal('inconsistent_checkpoint');
  });

  it('names keys by their RFC 7638 thumbprint and round-trips them through a public JWK', () => {
    const pem = newKeyPem();
    const key = parseSigningKey(pem);
    expect(key.kid).to.equal(jwkThumbprint(key.publicKey));
    const jwk = publicJwk(key);
    expect(jwk).to.include({ kty: 'OKP', crv: 'Ed25519', kid: key.kid, use: 'sig' });
    expect(jwk).to.not.have.property('d');
    const verifier = verifyingKeyFromJwk(jwk);
    expect(verifier.kid).to.equal(key.kid);
    expect(noteSignedBy(signCheckpoint('o', 't', 1, Buffer.alloc(32), key).note, 'o/tenants/t', verifier.publicKey)).to.equal(true);
    const privateJwk = { ...createPrivateKey(pem).export({ format: 'jwk' }), kid: 'rotated-2026' };
    expect(parseSigningKey(JSON.stringify(privateJwk)).kid).to.equal('rotated-2026');
    expect(() => parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).to.throw(/Ed25519/);
  });
});
