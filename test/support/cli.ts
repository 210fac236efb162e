// Runs the real `relance` binary as a child process, for CLI and service tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RELANCE_NODE_FLAGS } from '../../src/node-flags.js';

export const BIN = fileURLToPath(new URL('../../bin/relance.mjs', import.meta.url));
/** How `relance` is started: node with Relance's node options (src/node-flags.ts), then the entry point. */
export const RELANCE_ARGV: readonly string[] = [...RELANCE_NODE_FLAGS, BIN];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `relance ...args` to completion with `input` on stdin. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...RELANCE_ARGV, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`relance ${args.join(' ')} timed out\n${stdout}\n${stderr}`))), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts a long-running `relance` command and resolves once its output matches `ready`. */
export function startCli(args: string[], ready: RegExp, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...RELANCE_ARGV, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`not ready in time:\n${out}`))), opts.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with ${code} before ready:\n${out}`))));
  });
}

/** Sends `signal` and waits for the process to exit; returns its exit code. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
