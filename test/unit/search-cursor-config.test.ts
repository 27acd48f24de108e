import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../platform/config/config';
import { complete } from '../support/complete-env';

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
