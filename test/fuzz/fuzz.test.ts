// Short CI run of the fuzz targets, the native parsers' (fuzz/*.cc) and the
// /proc parsers' (fuzz/js/proc_*.ts, Jazzer.js): builds them once, then runs
// each for a fixed time through fuzz/run.mjs and expects executions and no
// finding. fuzz/run.mjs runs them longer (see its top).
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, test } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const RUN = join(ROOT, 'fuzz/run.mjs');
const SECONDS = 15;
// Its own build dir: no clash with a long run in fuzz/build/; kept between
// runs, so objects and the corpus found so far are reused.
const BUILD_DIR = join(tmpdir(), 'ipvs-fuzz-test');
const TARGETS = execFileSync(process.execPath, [RUN, '--list'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

function runNode(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [RUN, '--build-dir', BUILD_DIR, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  const r = await runNode(['--build-only'], 290_000);
  // No skip without clang: the message says what to install.
  if (r.code !== 0) throw new Error(`fuzz build failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
});

test('there are fuzz targets', () => {
  expect(TARGETS).toEqual(expect.arrayContaining(['ack', 'ipvs_codec', 'netlink_messages', 'reply_reader', 'proc_conn', 'proc_ip_vs', 'proc_stats']));
});

for (const target of TARGETS) {
  test(`${target}: ${SECONDS} s of fuzzing, no finding`, async () => {
    const r = await runNode(['--no-build', '--seconds', String(SECONDS), target], (SECONDS + 60) * 1000);
    const line = /^(\S+): (\d+) executions, (\d+) findings, ([\d.]+) s$/m.exec(r.stdout);
    expect(line, `no result line from fuzz/run.mjs:\n${r.stdout}${r.stderr}`).not.toBeNull();
    const [, name, execs, findings] = line!;
    expect(name).toBe(target);
    expect(Number(findings), r.stdout).toBe(0);
    expect(Number(execs)).toBeGreaterThan(0);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
}
