import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/config';

const complete = {
  DATABASE_URL: 'postgres://app@localhost/db',
  REDIS_URL: 'redis://localhost:6379',
  SQS_INDEX_QUEUE_URL: 'http://localhost:9324/000000000000/index',
  SQS_ARCHIVE_QUEUE_URL: 'http://localhost:9324/000000000000/archive',
  SQS_CLEANUP_QUEUE_URL: 'http://localhost:9324/000000000000/cleanup',
  S3_BUCKET: 'audit-archive',
  OPENSEARCH_URL: 'http://localhost:9200',
  TEMPORAL_ADDRESS: 'localhost:7233',
  JWT_SECRET: 's'.repeat(32),
  CURSOR_SECRET: 'c'.repeat(32),
};

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

  it('rejects an algorithm it does not support', () => {
    expect(errorOf({ ...complete, JWT_ALGORITHM: 'none' })).to.contain('JWT_ALGORITHM');
  });
});
