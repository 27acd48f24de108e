import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../platform/config/config';
import { jwkThumbprint } from '../../domain/integrity/signing-keys';
import { complete } from '../support/complete-env';

const pair = () => generateKeyPairSync('ed25519');

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('configuration: integrity keys', () => {
  it('signs with the first of several PEM keys and verifies with all, retired public keys included', () => {
    const [current, retired] = [pair(), pair()];
    const pem = [current.privateKey.export({ format: 'pem', type: 'pkcs8' }), retired.publicKey.export({ format: 'pem', type: 'spki' })].join('\n');
    const { integrity } = loadConfig({ ...complete, INTEGRITY_SIGNING_KEYS: pem, PUBLIC_URL: 'https://audit.example.com/' });
    expect(integrity.origin).to.equal('audit.example.com');
    expect(integrity.keys.signing.kid).to.equal(jwkThumbprint(current.publicKey));
    expect(integrity.keys.verifying.map((key) => key.kid)).to.deep.equal([jwkThumbprint(current.publicKey), jwkThumbprint(retired.publicKey)]);
  });

  it('reads a JWKS of private JWKs with their own kids', () => {
    const keys = [pair(), pair()].map((keyPair, index) => ({ ...keyPair.privateKey.export({ format: 'jwk' }), kid: `key-${index}` }));
    const { integrity } = loadConfig({ ...complete, INTEGRITY_SIGNING_KEYS: JSON.stringify({ keys }), INTEGRITY_ORIGIN: 'log.example/audit' });
    expect(integrity.origin).to.equal('log.example/audit');
    expect(integrity.keys.signing.kid).to.equal('key-0');
    expect(integrity.keys.verifying.map((key) => key.kid)).to.deep.equal(['key-0', 'key-1']);
  });

  it('has no default key and refuses keys that cannot sign', () => {
    expect(errorOf({ ...complete, INTEGRITY_SIGNING_KEYS: undefined })).to.contain('INTEGRITY_SIGNING_KEYS');
    expect(errorOf({ ...complete, INTEGRITY_SIGNING_KEYS: pair().publicKey.export({ format: 'pem', type: 'spki' }).toString() })).to.contain('private');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(errorOf({ ...complete, INTEGRITY_SIGNING_KEYS: rsa })).to.contain('Ed25519');
    expect(errorOf({ ...complete, INTEGRITY_SIGNING_KEYS: 'not a key' })).to.contain('INTEGRITY_SIGNING_KEYS');
    expect(errorOf({ ...complete, INTEGRITY_ORIGIN: 'has space' })).to.contain('INTEGRITY_ORIGIN');
  });
});
