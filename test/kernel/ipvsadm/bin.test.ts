// The installed command itself (dist/examples/ipvsadm/bin.js, the package's
// `ipvsadm-js` bin) run as a process beside the real ipvsadm: program name
// from the invoked path, stdin for -R, exit statuses, stdout and stderr of
// the process, and what happens without CAP_NET_ADMIN.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { IPVSADM_JS as BIN } from '../helpers';
import { FIXTURES } from './corpus';
let dir = '';

interface Outcome {
  stdout: string;
  stderr: string;
  status: number | null;
}

function run(cmd: string[], input = ''): Outcome {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The built command through a link named `name` (ipvsadm prints the name it was run as). */
const js = (name: string, args: string[], prefix: string[] = [], input = '') => run([...prefix, process.execPath, join(dir, name), ...args], input);
const real = (args: string[], prefix: string[] = [], input = '') => run([...prefix, 'ipvsadm', ...args], input);

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'ipvsadm-js-'));
  symlinkSync(BIN, join(dir, 'ipvsadm'));
  symlinkSync(BIN, join(dir, 'ipvsadm-js'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  real(['-C']);
});

it('speaks as ipvsadm when linked as ipvsadm, byte for byte', () => {
  expect(real(['-R'], [], `${FIXTURES.mixed!.join('\n')}\n`).status).toBe(0);
  for (const args of [['-Ln'], ['-Sn'], ['-Ln', '--stats', '--exact'], ['-h'], ['-q'], ['-A', '-t', '10.0.0.9'], ['-D', '-t', '10.9.9.9:80'], ['-L', '-t', '10.9.9.9:80']]) {
    expect(js('ipvsadm', args)).toEqual(real(args));
  }
});

it('names itself ipvsadm-js when run as ipvsadm-js', () => {
  const help = js('ipvsadm-js', ['-h']);
  expect(help.status).toBe(0);
  expect(help.stdout).toBe(real(['-h']).stdout.replace(/^ {2}ipvsadm /gm, '  ipvsadm-js '));
  expect(js('ipvsadm-js', ['-X']).stderr).toBe("Try `ipvsadm-js -h' or 'ipvsadm-js --help' for more information.\n");
});

it('restores from stdin as ipvsadm -R does, messages and status included', () => {
  const rules = `${FIXTURES.mixed!.join('\n')}\n-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 192.168.1.11:8080 -m\n`;
  const theirs = real(['-R'], [], rules);
  const table = real(['-Sn']).stdout;
  real(['-C']);
  const mine = js('ipvsadm', ['-R'], [], rules);
  expect(mine).toEqual(theirs);
  expect(mine.status).toBe(255);
  expect(real(['-Sn']).stdout).toBe(table);
});

it('fails as ipvsadm does without CAP_NET_ADMIN', () => {
  const noAdmin = ['setpriv', '--bounding-set', '-net_admin', '--inh-caps', '-net_admin'];
  for (const args of [['-Ln'], ['-A', '-t', '10.0.0.1:80'], ['-h']]) {
    const theirs = real(args, noAdmin);
    expect(theirs.stderr).toContain('Permission denied (you must be root)');
    expect(js('ipvsadm', args, noAdmin)).toEqual(theirs);
  }
});
