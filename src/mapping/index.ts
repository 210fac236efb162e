// The mapping layer: JSONata mappings (shipped and tenant overrides) turning raw provider records into model entities.
export * from './functions.js';
export * from './loader.js';
export { Fallback, compileAst, isProven, mappingHash, provenManifest, PROVEN_MANIFEST_URL, type ProvenManifest } from './jsonata-subset/index.js';
export * from './overrides.js';
export { runMapCli, MAP_USAGE, type CliResult } from './cli.js';
