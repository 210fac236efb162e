#!/usr/bin/env node
// Installs what the tests need beyond npm (real redis-server, Debian's chromium, poppler's pdftotext, Dovecot's IMAP server) when it is missing.
// Runs as `pretest`, so `npm ci && npm test` passes on a fresh Debian machine with nothing else done.
import { spawnSync } from 'node:child_process';

const needed = [
  { binary: 'redis-server', pkg: 'redis-server' },
  { binary: 'chromium', pkg: 'chromium' },
  // Reads generated PDFs back as text (statements, letters), as a person would read them.
  { binary: 'pdftotext', pkg: 'poppler-utils' },
  // A real IMAP server for the inbound-mail tests (test/support/dovecot.ts runs it unprivileged on a free port).
  { binary: 'dovecot', pkg: 'dovecot-imapd' },
];

// /usr/sbin is searched too: dovecot lives there and a non-root PATH may lack it.
const has = (bin) => spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = needed.filter((n) => !has(n.binary));
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
console.log(`Installing test dependencies with apt-get: ${pkgs.join(', ')} (one-time, may take a minute)…`);
const asRoot = process.getuid?.() === 0;
if (!asRoot && !has('sudo')) {
  console.error(`Missing ${pkgs.join(', ')} and not root: install them with your package manager, then run npm test again.`);
  process.exit(1);
}
const prefix = asRoot ? [] : ['sudo'];
const run = (args) => {
  const r = spawnSync(prefix[0] ?? args[0], prefix.length ? args : args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
};
if (!run(['apt-get', 'update', '-q']) || !run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...pkgs])) {
  console.error(`Could not install ${pkgs.join(', ')} with apt-get: install them by hand, then run npm test again.`);
  process.exit(1);
}
