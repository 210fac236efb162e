// The sync engine's public surface.
export * from './engine.js';
export * from './prefetch.js';
export * from './deps.js';
