// The README's TypeScript examples run, in order, against the kernel: the
// first as written (it opens and closes its own handle), each later one with
// `ipvs` open, as the README's prose assumes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { ipvsadm, saved } from './helpers';

it('runs every ts example of README.md', () => {
  ipvsadm('-C');
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const lib = JSON.stringify(resolve('lib/index.ts'));
  const prometheus = JSON.stringify(resolve('lib/prometheus/index.ts'));
  // The program runs from a temporary directory: packages by path.
  const promClient = JSON.stringify(require.resolve('prom-client'));
  const local = (l: string) =>
    l.replace(/from 'ipvs'/, `from ${lib}`).replace(/from 'ipvs\/prometheus'/, `from ${prometheus}`).replace(/from 'prom-client'/, `from ${promClient}`);
  const [first, ...rest] = blocks;
  // Imports of later examples go to the top (they cannot sit in a block).
  const isImport = (l: string) => /^import .* from '[^']+';$/.test(l);
  const imports = rest.flatMap((b) => b.split('\n').filter(isImport)).map(local);
  const bodies = rest.map((b) => b.split('\n').filter((l) => !isImport(l)).join('\n'));
  const program = [
    ...imports,
    local(first!),
    ...bodies.map((b) => `{\n  const ipvs = await Ipvs.open();\n  try {\n${b}\n  } finally {\n    ipvs.close();\n  }\n}`),
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'ipvs-readme-'));
  try {
    const file = join(dir, 'readme.mts');
    writeFileSync(file, program);
    const r = spawnSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrr 0n 0n$/m); // the first example's listing
    // The large-table example: six results, a minimal plan, nothing to do twice, a full rollback.
    expect(r.stdout).toMatch(/^6\n3\n\[ 'update 10\.9\.1\.1', 'add 10\.9\.1\.2' \]\n\[\]\nENOENT true$/m);
    // The Prometheus example: a registry scrape and a text one.
    expect(r.stdout).toMatch(/^true true\ntrue$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // What the examples leave behind, as ipvsadm sees it.
  expect(saved()).toEqual(expect.arrayContaining([
    '-A -t 10.1.0.1:80 -s wrr',
    '-a -t 10.1.0.1:80 -r 10.2.0.1:8080 -m -w 3',
    '-a -t 10.1.0.1:80 -r 10.3.0.1:80 -i -w 0 --tun-type gue --tun-port 6080 --tun-csum', // drained: newest first
    '-A -f 10 -s sh -b sh-fallback,sh-port',
  ]));
  expect(saved().join('\n')).not.toContain('10.2.0.3');
  ipvsadm('--set', '900', '120', '300');
});
