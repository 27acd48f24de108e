import { expect } from 'chai';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenVerifier, TokenRejectedError } from '../../platform/auth/token-verifier';
import type { Config } from '../../platform/config/config';

const SECRET = 's'.repeat(40);
const hs256: Config['jwt'] = { algorithm: 'HS256', verifyKey: SECRET, jwksUri: undefined, keyId: undefined, maxTtlSeconds: 3600, signKey: SECRET, issuer: undefined, audience: undefined };

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(TokenRejectedError);
    return (error as Error).message;
  }
  throw new Error('expected the token to be rejected');
}

describe('unit: token verifier', () => {
  const tenantId = randomUUID();

  it('turns valid claims into a principal and the expiry', async () => {
    const token = jwt.sign({ role: 'auditor', tenant_id: tenantId.toUpperCase() }, SECRET, { algorithm: 'HS256', subject: 'bob', expiresIn: 60 });
    const verified = await createTokenVerifier(hs256).verify(token);
    expect(verified.principal).to.deep.equal({ sub: 'bob', role: 'auditor', tokenTenantId: tenantId });
    expect(verified.expiresAt.getTime()).to.be.closeTo(Date.now() + 60_000, 2_000);
  });

  it('names what is wrong with a token it refuses', async () => {
    const verifier = createTokenVerifier(hs256);
    expect(await rejection(verifier.verify('abc'))).to.contain('not a well-formed JWT');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'x' }, SECRET, { algorithm: 'HS512', expiresIn: 60 })))).to.contain('HS256');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'user', tenant_id: tenantId, sub: 'x' }, SECRET)))).to.contain('/exp is required');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'root', tenant_id: tenantId, sub: 'x' }, SECRET, { expiresIn: 60 })))).to.contain('/role');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'user', sub: 'x' }, SECRET, { expiresIn: 60 })))).to.contain('must carry tenant_id');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'user', tenant_id: 'acme', sub: 'x' }, SECRET, { expiresIn: 60 })))).to.contain('/tenant_id');
    expect(await rejection(verifier.verify(jwt.sign({ role: 'admin', sub: 'x' }, 'another-secret-another-secret-another', { expiresIn: 60 })))).to.contain('invalid signature');
  });

  it('checks issuer and audience only when configured', async () => {
    const token = jwt.sign({ role: 'admin', sub: 'x' }, SECRET, { expiresIn: 60, issuer: 'a', audience: 'b' });
    expect((await createTokenVerifier(hs256).verify(token)).principal.role).to.equal('admin');
    expect(await rejection(createTokenVerifier({ ...hs256, issuer: 'other-issuer' }).verify(token))).to.contain('issuer').and.not.contain('other-issuer');
    expect(await rejection(createTokenVerifier({ ...hs256, audience: 'other-audience' }).verify(token))).to.contain('audience').and.not.contain('other-audience');
  });

  it('with RS256 accepts only RS256 tokens signed by the private key of the configured public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const verifier = createTokenVerifier({ ...hs256, algorithm: 'RS256', verifyKey: publicKey, signKey: privateKey });
    const claims = { role: 'user', tenant_id: tenantId, sub: 'x' };
    expect((await verifier.verify(jwt.sign(claims, privateKey, { algorithm: 'RS256', expiresIn: 60 }))).principal.sub).to.equal('x');
    expect(await rejection(verifier.verify(jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 60 })))).to.contain('RS256');
  });
});
