// AES-256-GCM encryption of secrets at rest (OAuth tokens); the key comes from config, never the database.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 1;

/** Encrypts a JSON-serialisable value: [version][12-byte IV][16-byte tag][ciphertext]. */
export function encryptJson(key: Buffer, value: unknown, associatedData: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // Binding the ciphertext to its row (tenant + connection) stops a blob being copied onto another row.
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** A secret that does not decrypt: another key, another row, or damaged data. Retrying cannot help. */
export class SecretUnreadable extends Error {
  override name = 'SecretUnreadable';
}

/** Decrypts what encryptJson produced; throws SecretUnreadable when the key, the row binding or the data is wrong. */
export function decryptJson<T>(key: Buffer, blob: Buffer, associatedData: string): T {
  if (blob[0] !== VERSION) throw new SecretUnreadable('unknown secret format version');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(blob.subarray(13, 29));
    return JSON.parse(Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8')) as T;
  } catch (err) {
    throw new SecretUnreadable(`the secret does not decrypt with this key (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * The key from RELANCE_SECRET_KEY (base64, 32 bytes), else one generated on first start and kept in
 * `keyFile` (mode 0600) so embedded installs work with no configuration.
 */
export function loadSecretKey(configured: string | undefined, keyFile: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte base64 key: delete it to generate a new one (stored tokens will need reconnecting)`);
  return key;
}
