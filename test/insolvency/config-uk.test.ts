// Companies House settings: the key is optional (empty = unset), the URL must be http(s), and a key in a log entry is
// redacted like the other secrets.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

describe('Companies House configuration', () => {
  it('reads the key and the URL, treats an empty key as unset, and refuses a URL that is not http(s)', () => {
    expect(loadConfig({}).COMPANIES_HOUSE_API_KEY).toBeUndefined();
    expect(loadConfig({ COMPANIES_HOUSE_API_KEY: '  ' }).COMPANIES_HOUSE_API_KEY).toBeUndefined();
    const c = loadConfig({ COMPANIES_HOUSE_API_KEY: ' c891fc18-7cb0-4fbb-8878-7d8e9d708292 ', COMPANIES_HOUSE_URL: 'http://127.0.0.1:9/companies-house' });
    expect([c.COMPANIES_HOUSE_API_KEY, c.COMPANIES_HOUSE_URL]).toEqual(['c891fc18-7cb0-4fbb-8878-7d8e9d708292', 'http://127.0.0.1:9/companies-house']);
    expect(() => loadConfig({ COMPANIES_HOUSE_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ COMPANIES_HOUSE_URL: 'ftp://x' })).toThrow(/COMPANIES_HOUSE_URL/);
  });

  it('never writes the key in a log line', () => {
    let written = '';
    const sink = new Writable({ write(chunk, _enc, done) { written += String(chunk); done(); } });
    createLogger('info', sink).info({ companiesHouse: { apiKey: 'c891fc18-secret', base: 'https://api.example' } }, 'watch');
    expect(written).toContain('https://api.example');
    expect(written).not.toContain('c891fc18-secret');
    expect(written).toContain('[redacted]');
  });
});
