#!/usr/bin/env node
// Runs a TypeScript file of this repository (benchmarks, scripts) through tsx: `node bin/run-ts.mjs FILE [args]`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bin/run-ts.mjs FILE [args]\n');
  process.exit(2);
}
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(resolve(file)).href);
