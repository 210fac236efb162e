// Which texts the subset may run: shipped mappings whose exact text the proof found equal to JSONata (mappings/subset-proven.json).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What the proof (test/mapping/jsonata-subset-proof.test.ts) established: the JSONata version it compared against and,
 * per shipped mapping ("<provider>/<entity>"), the sha256 of the text it found equal on every recorded record.
 */
export interface ProvenManifest {
  jsonata: string;
  mappings: Record<string, string>;
}

/**
 * Where the manifest lives: beside the mappings it covers (it is data naming providers, which src/ code never does).
 * The proof rewrites it when asked to (`npm run prove:mappings`).
 */
export const PROVEN_MANIFEST_URL = new URL('../../../mappings/subset-proven.json', import.meta.url);

let manifest: ProvenManifest | null = null;

/**
 * The committed manifest, read once per process. Unreadable (a build that left it out), it admits nothing: every
 * mapping then runs on JSONata, the reference, slower but never wrong (the proof test fails on such a manifest).
 */
export function provenManifest(): ProvenManifest {
  if (!manifest) {
    try {
      const read = JSON.parse(readFileSync(PROVEN_MANIFEST_URL, 'utf8')) as Partial<ProvenManifest>;
      manifest = { jsonata: String(read.jsonata ?? ''), mappings: read.mappings && typeof read.mappings === 'object' ? read.mappings : {} };
    } catch {
      manifest = { jsonata: '', mappings: {} };
    }
  }
  return manifest;
}

/** The text's fingerprint: any edit, even one space, makes a different mapping that must be proven again. */
export function mappingHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/**
 * True only for the exact text proven for this shipped mapping. The guard at load: an edited file, a mapping of
 * another provider, or a tenant's text (even identical to a shipped one: overrides never ask) runs on JSONata.
 */
export function isProven(key: string, source: string): boolean {
  const hash = provenManifest().mappings[key];
  return hash !== undefined && hash === mappingHash(source);
}
