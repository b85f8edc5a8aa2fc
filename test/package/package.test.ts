// The package as users get it: `npm pack`, installed into fresh projects on a
// PATH with no compiler, loaded from CommonJS, ESM and TypeScript (node16,
// nodenext, bundler), used against a real IPVS kernel, and the arm64
// prebuild running the unit suite under qemu-user.
import { execFile, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const NPM_CLI = join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');
let work = '';
let tarball = '';
/** A PATH with node and sh only: no cc, c++, make or python. */
let bareBin = '';

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout as string;
}

const bareEnv = () => ({ HOME: process.env.HOME ?? '/root', PATH: bareBin, npm_config_cache: join(process.env.HOME ?? '/root', '.npm') });

/** A fresh project with `files`, the tarball installed into it without a toolchain. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  run(process.execPath, [NPM_CLI, 'install', '--no-audit', '--no-fund', tarball], { cwd: dir, env: bareEnv() });
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ipvs-package-'));
  bareBin = join(work, 'bin');
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, 'node'));
  symlinkSync('/bin/sh', join(bareBin, 'sh'));
  const name = run(process.execPath, [NPM_CLI, 'pack', '--silent', '--pack-destination', work], { cwd: ROOT }).trim().split('\n').pop()!;
  tarball = join(work, name);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('has both prebuilds, built from the current native sources', () => {
  run(process.execPath, [join(ROOT, 'scripts/prebuild.mjs'), '--check'], { cwd: ROOT });
});

it('packs what users need and nothing else, small', () => {
  const files = run('tar', ['tzf', tarball]).split('\n').filter(Boolean);
  const size = statSync(tarball).size;
  console.log(`tarball: ${(size / 1000).toFixed(1)} kB, ${files.length} files`);
  expect(files).toContain('package/prebuilds/linux-x64/ipvs.glibc.node');
  expect(files).toContain('package/prebuilds/linux-arm64/ipvs.glibc.node');
  expect(files).toContain('package/dist/lib/index.js');
  expect(files).toContain('package/dist/lib/index.d.ts');
  expect(files).toContain('package/dist/examples/ipvsadm/bin.js');
  expect(files).toContain('package/dist/examples/exporter/bin.js');
  expect(files).toContain('package/dist/lib/prometheus/index.js');
  expect(files).toContain('package/dist/lib/prometheus/index.d.ts');
  expect(files).toContain('package/binding.gyp'); // the source-build fallback
  expect(files.filter((f) => /^package\/(test|bench|lib|examples|build)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  expect(size).toBeLessThan(500_000);
});

it('installs and loads with no compiler on PATH, from CommonJS and from ESM', () => {
  for (const tool of ['cc', 'c++', 'gcc', 'g++', 'make', 'python3']) {
    expect(spawnSync(join(bareBin, 'sh'), ['-c', `command -v ${tool}`], { env: bareEnv() }).status, tool).not.toBe(0);
  }
  const dir = project('js', {
    'package.json': '{ "name": "js-consumer", "version": "1.0.0", "private": true }\n',
    'cjs.cjs': "const { Ipvs, IpvsError, SCHEDULERS } = require('ipvs');\nconsole.log(typeof Ipvs.open, typeof IpvsError, SCHEDULERS.length, require('node-gyp-build').path(require('path').dirname(require.resolve('ipvs/package.json'))));\n",
    'esm.mjs': "import { Ipvs, IpvsError, SCHEDULERS } from 'ipvs';\nimport ipvs from 'ipvs';\nconsole.log(typeof Ipvs.open, typeof IpvsError, SCHEDULERS.length, ipvs.Ipvs === Ipvs);\n",
    // The Prometheus subpath loads without prom-client (an optional peer, not installed here).
    'prom.cjs': "const { IpvsCollector, toText } = require('ipvs/prometheus');\nconsole.log(typeof IpvsCollector, typeof toText, new IpvsCollector().descriptors.length);\n",
    'prom.mjs': "import { IpvsCollector } from 'ipvs/prometheus';\nconsole.log(typeof IpvsCollector);\n",
  });
  expect(existsSync(join(dir, 'node_modules/ipvs/build'))).toBe(false); // nothing was compiled
  expect(run(process.execPath, ['cjs.cjs'], { cwd: dir, env: bareEnv() })).toMatch(/^function function 14 .*prebuilds\/linux-x64\/ipvs\.glibc\.node\n$/);
  expect(run(process.execPath, ['esm.mjs'], { cwd: dir, env: bareEnv() })).toBe('function function 14 true\n');
  expect(existsSync(join(dir, 'node_modules/prom-client'))).toBe(false);
  expect(run(process.execPath, ['prom.cjs'], { cwd: dir, env: bareEnv() })).toBe('function function 11\n');
  expect(run(process.execPath, ['prom.mjs'], { cwd: dir, env: bareEnv() })).toBe('function\n');
});

it('types resolve for TypeScript consumers with node16, nodenext and bundler resolution', () => {
  const source = "import { Ipvs, IpvsError, type Service, type DestinationSpec } from 'ipvs';\nimport { IpvsCollector, type MetricFamily } from 'ipvs/prometheus';\nexport const collect = (): Promise<MetricFamily[]> => new IpvsCollector({ extras: ['services'] }).collect();\nexport async function list(): Promise<Service[]> {\n  const ipvs = await Ipvs.open();\n  const d: DestinationSpec = { address: '10.0.0.1', port: 80, forwarding: 'masq' };\n  void d;\n  try { return await ipvs.services(); } catch (e) { if (e instanceof IpvsError) console.log(e.code); throw e; } finally { ipvs.close(); }\n}\n";
  const kinds: Record<string, { pkg: object; compilerOptions: object }> = {
    node16: { pkg: {}, compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
    nodenext: { pkg: { type: 'module' }, compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
    bundler: { pkg: { type: 'module' }, compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  };
  for (const [kind, { pkg, compilerOptions }] of Object.entries(kinds)) {
    const dir = project(`ts-${kind}`, {
      'package.json': JSON.stringify({ name: `ts-${kind}`, version: '1.0.0', private: true, ...pkg }),
      'index.ts': source,
    });
    // The package's declarations refer to Node's types: a consumer has them.
    symlinkSync(join(ROOT, 'node_modules/@types'), join(dir, 'node_modules/@types'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', types: ['node'], ...compilerOptions }, files: ['index.ts'] }));
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir });
  }
});

it('works against a real IPVS kernel when installed (API, ipvsadm-js, ipvs-exporter)', () => {
  const dir = project('smoke', {
    'package.json': '{ "name": "smoke", "version": "1.0.0", "private": true }\n',
    'smoke.js': `const { Ipvs } = require('ipvs');
const { execFileSync } = require('child_process');
(async () => {
  const ipvs = await Ipvs.open();
  const svc = { protocol: 'tcp', address: '192.0.2.77', port: 80 };
  await ipvs.addService({ ...svc, scheduler: 'rr' });
  await ipvs.addDestination(svc, { address: '198.51.100.77', port: 8080, forwarding: 'masq', weight: 2 });
  const [s] = (await ipvs.snapshot()).filter((x) => x.address === svc.address);
  console.log(s.scheduler, s.destinations.map((d) => d.address + ':' + d.port + ' w' + d.weight).join());
  console.log(execFileSync(process.execPath, [__dirname + '/node_modules/.bin/ipvsadm-js', '-Sn'], { encoding: 'utf8' }).trim());
  const exporter = require('child_process').spawn(__dirname + '/node_modules/.bin/ipvs-exporter', ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve) => { let err = ''; exporter.stderr.on('data', (d) => { err += d; const m = /serving (http:\\S+)/.exec(err); if (m) resolve(m[1]); }); });
  const text = await (await fetch(url)).text();
  console.log(text.split('\\n').filter((l) => l.startsWith('node_ipvs_backend_weight{')).join('\\n'));
  exporter.kill();
  await ipvs.deleteService(svc);
  ipvs.close();
})().catch((e) => { console.error(e); process.exit(1); });
`,
  });
  const out = run(process.execPath, [join(ROOT, 'test/harness/run.mjs'), 'exec', '--', process.execPath, join(dir, 'smoke.js')], { cwd: ROOT, env: { ...process.env, IPVS_ADDON: '' } });
  expect(out).toContain('rr 198.51.100.77:8080 w2');
  expect(out).toContain('-A -t 192.0.2.77:80 -s rr\n-a -t 192.0.2.77:80 -r 198.51.100.77:8080 -m -w 2');
  expect(out).toContain('node_ipvs_backend_weight{local_address="192.0.2.77",local_mark="",local_port="80",proto="TCP",remote_address="198.51.100.77",remote_port="8080"} 2');
});

it('arm64: an installed package picks the arm64 prebuild, which passes the unit suite under qemu-user', async () => {
  // Debian's arm64 Node.js in a sysroot (test/harness/arm64.mjs), run by qemu-user.
  const { root, node } = JSON.parse(run(process.execPath, [join(ROOT, 'test/harness/arm64.mjs')]).trim().split('\n').pop()!) as { root: string; node: string };
  const arm64 = (args: string[], opts: SpawnSyncOptions = {}) => run('qemu-aarch64', ['-L', root, node, ...args], opts);
  expect(arm64(['-p', 'process.arch + " " + process.version'])).toMatch(/^arm64 v2\d\./);

  const dir = join(work, 'js');
  const picked = arm64(['-e', "console.log(require('node-gyp-build').path(require('path').dirname(require.resolve('ipvs/package.json'))))"], { cwd: dir });
  expect(picked).toMatch(/prebuilds\/linux-arm64\/ipvs\.glibc\.node\n$/);

  // vitest under arm64 Node: rollup's arm64 addon (unpacked from its npm package), esbuild's
  // x64 binary (a helper process that only transpiles: running an arm64 one needs binfmt_misc),
  // worker threads instead of forked processes (same reason).
  const rollupArm64 = join(ROOT, 'node_modules/@rollup/rollup-linux-arm64-gnu');
  if (!existsSync(rollupArm64)) {
    const version = JSON.parse(run(process.execPath, ['-p', "JSON.stringify(require('rollup/package.json').version)"], { cwd: ROOT })) as string;
    const tgz = run(process.execPath, [NPM_CLI, 'pack', '--silent', `@rollup/rollup-linux-arm64-gnu@${version}`, '--pack-destination', work], { cwd: work }).trim().split('\n').pop()!;
    mkdirSync(rollupArm64, { recursive: true });
    run('tar', ['xzf', join(work, tgz), '-C', rollupArm64, '--strip-components=1']);
  }
  // Minutes under emulation: run without blocking this worker (vitest talks to it meanwhile).
  const out = await new Promise<string>((done, fail) =>
    execFile(
      'qemu-aarch64',
      // Emulated, everything runs many times slower: per-test limits to match,
      // and the property tests (TypeScript, thousands of cases) left to the host run.
      ['-L', root, node, join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/unit/vitest.config.ts', '--pool=threads', '--testTimeout=120000', '--exclude', 'test/unit/property/**'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        timeout: 900_000,
        env: {
          ...process.env,
          NO_COLOR: '1',
          IPVS_ADDON: join(dir, 'node_modules/ipvs/prebuilds/linux-arm64/ipvs.glibc.node'),
          ESBUILD_BINARY_PATH: join(ROOT, 'node_modules/@esbuild/linux-x64/bin/esbuild'),
        },
      },
      (err, stdout, stderr) => (err ? fail(new Error(`unit suite under qemu failed: ${stderr}${stdout}`)) : done(stdout)),
    ),
  );
  const summary = /Tests\s+(\d+) passed \((\d+)\)/.exec(out);
  console.log(`arm64 (qemu-user, ${arm64(['-p', 'process.version']).trim()}): ${summary?.[0]}`);
  expect(summary && summary[1] === summary[2] && Number(summary[1]) > 100).toBe(true);
});
