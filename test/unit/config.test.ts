import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../platform/config/config';
import { complete } from '../support/complete-env';

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('configuration', () => {
  it('parses a complete environment with defaults and types', () => {
    const config = loadConfig({ ...complete, PORT: '8080' });
    expect(config.http.port).to.equal(8080);
    expect(config.jwt).to.include({ algorithm: 'HS256', verifyKey: 's'.repeat(32) });
    expect(config.temporal).to.include({ namespace: 'default', taskQueue: 'audit-log' });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('names every missing or invalid variable', () => {
    const message = errorOf({ ...complete, DATABASE_URL: undefined, PORT: 'eighty', REDIS_URL: 'localhost' });
    expect(message).to.contain('DATABASE_URL');
    expect(message).to.contain('PORT');
    expect(message).to.contain('REDIS_URL');
  });

  it('has no default secret', () => {
    expect(errorOf({ ...complete, JWT_SECRET: undefined })).to.contain('JWT_SECRET');
    expect(errorOf({ ...complete, JWT_SECRET: 'short' })).to.contain('JWT_SECRET');
    expect(errorOf({ ...complete, JWT_ALGORITHM: 'RS256' })).to.contain('JWT_PUBLIC_KEY');
  });

  it('requires the token issuer and audience in production', () => {
    expect(errorOf({ ...complete, NODE_ENV: 'production' })).to.contain('JWT_ISSUER and JWT_AUDIENCE');
    expect(errorOf({ ...complete, NODE_ENV: 'production', JWT_ISSUER: 'https://idp.example' })).to.contain('JWT_AUDIENCE');
    const config = loadConfig({ ...complete, NODE_ENV: 'production', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'audit-log-api' });
    expect(config.jwt).to.include({ issuer: 'https://idp.example', audience: 'audit-log-api' });
  });

  it('rejects an algorithm it does not support', () => {
    expect(errorOf({ ...complete, JWT_ALGORITHM: 'none' })).to.contain('JWT_ALGORITHM');
  });
});
