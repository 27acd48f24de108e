import { expect } from 'chai';
import { canonicalOrigin, parseAllowedOrigins } from '../../platform/config/allowed-origins';
import { loadConfig, ConfigError } from '../../platform/config/config';
import { complete } from '../support/complete-env';

describe('live-tail allowed origins', () => {
  it('keeps bare http(s) origins in canonical form', () => {
    expect(parseAllowedOrigins(' https://App.Example.com , http://localhost:5173,https://app.example.com:443/ ,')).to.deep.equal({
      origins: ['https://app.example.com', 'http://localhost:5173'],
      invalid: [],
    });
    expect(parseAllowedOrigins('')).to.deep.equal({ origins: [], invalid: [] });
  });

  it('rejects anything that is not a bare origin rather than guessing', () => {
    const entries = ['*', 'https://*.example.com', 'https://example.com/app', 'https://example.com?x=1', 'ftp://example.com', 'https://user:pw@example.com', 'example.com', 'null'];
    expect(parseAllowedOrigins(entries.join(',')).invalid).to.deep.equal(entries);
  });

  it('compares request Origin headers in the same canonical form', () => {
    expect(canonicalOrigin('HTTPS://APP.EXAMPLE.COM:443')).to.equal('https://app.example.com');
    expect(canonicalOrigin('null')).to.equal(undefined);
    expect(canonicalOrigin('chrome-extension://abc')).to.equal(undefined);
  });

  it('stops the process with a message naming WS_ALLOWED_ORIGINS when an entry is invalid', () => {
    const env = { ...complete, WS_ALLOWED_ORIGINS: 'https://ok.example.com,https://bad.example.com/path' };
    expect(() => loadConfig(env)).to.throw(ConfigError, /WS_ALLOWED_ORIGINS.*https:\/\/bad\.example\.com\/path/);
    expect(loadConfig({ ...env, WS_ALLOWED_ORIGINS: 'https://ok.example.com' }).stream.allowedOrigins).to.deep.equal(['https://ok.example.com']);
  });
});
