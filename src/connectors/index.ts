// The connector framework: contract types, typed errors, HTTP with pacing and retries, tokens, registry.
export * from './types.js';
export * from './errors.js';
export * from './rate-gate.js';
export * from './http.js';
export * from './read-ahead.js';
export * from './tokens.js';
export * from './registry.js';
export * from './signature.js';
export * from './oauth.js';
export * from './clients.js';
