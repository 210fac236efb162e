// Secrets at rest: AES-256-GCM bound to their row; a secret that does not decrypt is SecretUnreadable, whatever the cause.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretUnreadable, decryptJson, encryptJson } from '../../src/store/secrets.js';

describe('encryptJson / decryptJson', () => {
  const key = randomBytes(32);
  const value = { accessToken: 'T1', refreshToken: 'R1', n: 3 };

  it('reads back what it wrote, and never holds the value in clear', () => {
    const blob = encryptJson(key, value, 'tenant|connection');
    expect(decryptJson(key, blob, 'tenant|connection')).toEqual(value);
    expect(blob.toString('latin1')).not.toContain('R1');
  });

  it('refuses another key, another row, damaged data and an unknown format, each as SecretUnreadable', () => {
    const blob = encryptJson(key, value, 'tenant|connection');
    const damaged = Buffer.from(blob);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    const otherVersion = Buffer.from(blob);
    otherVersion[0] = 9;
    for (const [k, b, aad] of [[randomBytes(32), blob, 'tenant|connection'], [key, blob, 'tenant|other'], [key, damaged, 'tenant|connection'], [key, otherVersion, 'tenant|connection']] as const) {
      expect(() => decryptJson(k, b, aad)).toThrow(SecretUnreadable);
    }
  });
});
