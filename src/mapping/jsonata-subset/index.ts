// The JSONata subset compiled to JavaScript (the mapping fast path) and the guard that admits only proven shipped mappings.
export { Fallback, compileAst } from './compile.js';
export { isProven, mappingHash, provenManifest, PROVEN_MANIFEST_URL, type ProvenManifest } from './admission.js';
