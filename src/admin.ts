// The self-hosted admin's credentials: from configuration, or a generated password kept in RELANCE_HOME (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export interface AdminCredentials {
  email: string;
  password: string;
  /** Where a generated password lives, to tell the operator; null when it came from configuration. */
  file: string | null;
}

export function adminCredentials(config: Pick<Config, 'RELANCE_ADMIN_EMAIL' | 'RELANCE_ADMIN_PASSWORD' | 'home'>): AdminCredentials {
  if (config.RELANCE_ADMIN_PASSWORD) return { email: config.RELANCE_ADMIN_EMAIL, password: config.RELANCE_ADMIN_PASSWORD, file: null };
  const file = join(config.home, 'admin-password');
  if (!existsSync(file)) {
    mkdirSync(config.home, { recursive: true });
    writeFileSync(file, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { email: config.RELANCE_ADMIN_EMAIL, password: readFileSync(file, 'utf8').trim(), file };
}
