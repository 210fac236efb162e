// A real Dovecot IMAP server for the inbound-mail tests: Debian's `dovecot` (installed by scripts/ensure-test-deps.mjs),
// run in the foreground as an unprivileged user on a free loopback port, with a throwaway config, one mailbox user and
// maildir storage in a temporary folder. Stopped by its PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** imap://user:pass@127.0.0.1:port/INBOX, as INBOUND_IMAP_URL takes it. */
  url: string;
  log(): string;
  stop(): Promise<void>;
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => spawnSync('test', ['-x', p]).status === 0) ?? 'dovecot';

function idsOf(name: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', name]).stdout.toString().trim());
  const gid = Number(spawnSync('id', ['-g', name]).stdout.toString().trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no user ${name} on this machine`);
  return { uid, gid };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => (s.destroy(), resolve(d.toString().startsWith('* OK'))));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not answer on ${port}:\n${log()}`);
}

export async function startDovecot(): Promise<Dovecot> {
  // As root, Dovecot runs as `nobody`; otherwise as whoever runs the tests. Either way nothing privileged is touched.
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? 'nobody' : userInfo().username;
  const { uid, gid } = asRoot ? idsOf('nobody') : { uid: process.getuid!(), gid: process.getgid!() };
  const group = spawnSync('id', ['-gn', runAs]).stdout.toString().trim();
  const dir = mkdtempSync(join(tmpdir(), 'relance-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'users']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const user = 'replies';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  const logPath = join(dir, 'dovecot.log');
  writeFileSync(logPath, '');
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `# Throwaway test config (test/support/dovecot.ts)
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${logPath}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${runAs}
default_internal_group = ${group}
default_login_user = ${runAs}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/users/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap {
  process_limit = 10
}
`,
  );
  if (asRoot) spawnSync('chown', ['-R', `${uid}:${gid}`, dir]);
  else chownSync(dir, uid, gid);
  const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid, gid } : {}) });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const log = () => `${out}\n${(() => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  })()}`;
  await waitForPort(port, child, log);
  return {
    port,
    user,
    password,
    url: `imap://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    log,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
