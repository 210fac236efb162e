// Where the providers' official descriptions are read from (README.md beside this file says which files, from where, under which licence).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The descriptions vendored beside this file (`specs/<provider>/`, each with its licence), or `RELANCE_PROVIDER_SPECS`
 * to hold the simulators to another copy (a newer release of a description, before it is vendored).
 */
export const SPECS_DIR = process.env['RELANCE_PROVIDER_SPECS'] ?? join(repoRoot, 'test', 'fidelity', 'specs');

/** The paths of a provider's description files, or undefined (and a warning) when any is missing on this machine. */
export function specFiles<const F extends readonly string[]>(provider: string, files: F): Record<F[number], string> | undefined {
  const paths = Object.fromEntries(files.map((f) => [f, join(SPECS_DIR, provider, f)])) as Record<F[number], string>;
  const missing = files.filter((f) => !existsSync(paths[f as F[number]]));
  if (missing.length) {
    console.warn(`fidelity: ${provider} description missing (${missing.join(', ')} under ${join(SPECS_DIR, provider)}); its contract tests are skipped. See test/fidelity/README.md.`);
    return undefined;
  }
  return paths;
}
