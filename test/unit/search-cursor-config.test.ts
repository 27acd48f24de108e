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

describe('CURSOR_SECRET configuration', () => {
  it('is passed through', () => {
    expect(loadConfig(complete).cursor.secret).to.equal('c'.repeat(32));
  });

  it('is required, has no default and needs at least 32 characters', () => {
    for (const value of [undefined, '', 'short']) {
      expect(() => loadConfig({ ...complete, CURSOR_SECRET: value }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.contains('CURSOR_SECRET');
    }
  });
});
