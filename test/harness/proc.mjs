// Child-process helpers shared by the harness.
//
// Every child is started in its own process group so that a timeout or a
// Ctrl-C can kill the whole tree (UML forks helper processes of its own).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set();
const tempDirs = new Set();

/** A temp dir removed when we are done with it, or when the process exits anyway (timeout, signal). */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Prefix for every harness message, so they stand out from test output. */
export function log(msg) {
  process.stderr.write(`[ipvs-harness] ${msg}\n`);
}

/** Thrown for problems the harness reports as one clear line, then exits 1. */
export class HarnessError extends Error {}

/**
 * Run a command to completion, streaming its output to ours, or to
 * `onOutput(chunk)` when given (stdout and stderr together).
 * Resolves with its exit status (128+signal when killed by a signal).
 */
export function run(cmd, args, { cwd, env, onOutput, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env,
      stdio: ['ignore', onOutput ? 'pipe' : 'inherit', onOutput ? 'pipe' : 'inherit'],
      detached: true, // own process group, see killAll()
    });
    live.add(child);
    if (onOutput) {
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
    }
    const timer = timeoutMs && setTimeout(() => killGroup(child), timeoutMs);
    child.on('error', (err) => {
      live.delete(child);
      reject(new HarnessError(`cannot start ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      clearTimeout(timer);
      resolve(code ?? 128 + (constants.signals[signal] ?? 1));
    });
  });
}

/** Run a short command synchronously, capturing output; throws on failure. */
export function runQuiet(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new HarnessError(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new HarnessError(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
  return r.stdout;
}

/** True when `cmd` can be found on PATH. */
export function haveCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Kill every live child's process group (timeouts, signals). */
export function killAll() {
  for (const child of live) killGroup(child);
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
