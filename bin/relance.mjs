#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point of the `relance` command: loads the TypeScript sources through tsx (no build step needed).
import './v8-flags.mjs';
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`relance preview … | head`) must not kill the command before it stops its database.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
const { main } = await import('../src/cli/main.ts');
// The composition root: src/ never imports a concrete connector, the shipped list is handed in here.
const { connectors, simulators } = await import('../connectors/index.ts');
const workers = await import('../workers/index.ts');
// Commands that serve (start) resolve only when stopped; the others resolve with their exit code.
const code = await main(process.argv.slice(2), { connectors, simulators, workers });
// Exit explicitly (open handles such as idle pools must not keep a finished command alive), once
// everything written to stdout/stderr has been flushed to the pipe.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
process.exit(code);
