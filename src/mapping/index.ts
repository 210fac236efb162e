// The mapping layer: JSONata mappings (shipped and tenant overrides) turning raw provider records into model entities.
export * from './functions.js';
export * from './loader.js';
export { Fallback, compileAst } from './fast-path.js';
export * from './overrides.js';
export { runMapCli, MAP_USAGE, type CliResult } from './cli.js';
