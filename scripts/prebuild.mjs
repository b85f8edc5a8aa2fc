#!/usr/bin/env node
// Prebuilt addons for npm users without a compiler (issue 7, work in progress):
//
//   npm run prebuild                   build prebuilds/linux-x64 and prebuilds/linux-arm64 when the
//                                      native sources changed since they were built (-- --force: always);
//                                      through npm, whose config gives node-gyp the local Node headers
//                                      (nodedir); npm also runs it before `npm run build`
//   node scripts/prebuild.mjs --check  fail unless both exist and match the sources; what CI does
//                                      (CI set: a stale prebuild fails the build instead of being redone)
//
// prebuildify builds N-API binaries, stripped and tagged glibc; arm64 is
// cross-compiled with Debian's g++-aarch64-linux-gnu (strip with
// aarch64-linux-gnu-strip). prebuilds/SOURCES holds the hash of what they were
// built from (native/, binding.gyp, node-addon-api's version): a change to
// any of them without a new prebuild is "stale". prebuildify builds in build/:
// x64 goes last so that build/ holds a binary this machine can load.
//
// Proven so far by hand (2026-11-26): both build in ~35 s each; the arm64 one
// passes the unit suite (150 tests, 145 s) under qemu-user with Debian
// trixie's arm64 nodejs 20.19.2 (libnode115 and its libraries, node-* arch-all
// packages for the externalized builtins, a lib -> usr/lib link in the
// sysroot), run as
//   ESBUILD_BINARY_PATH=node_modules/@esbuild/linux-x64/bin/esbuild IPVS_ADDON=prebuilds/linux-arm64/ipvs.glibc.node \
//   qemu-aarch64 -L <sysroot> <sysroot>/usr/bin/node node_modules/vitest/vitest.mjs run --config test/unit/vitest.config.ts --pool=threads
// with @rollup/rollup-linux-arm64-gnu (rollup's version) unpacked into node_modules:
// vitest's forks pool and esbuild's arm64 binary would need binfmt_misc, which
// this sandbox lacks, hence threads and the x64 esbuild (it only transpiles).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = join(ROOT, 'prebuilds', 'SOURCES');
const TARGETS = [
  { arch: 'arm64', env: { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++' }, strip: 'aarch64-linux-gnu-strip' },
  { arch: 'x64', env: {}, strip: 'strip' },
];
const binaryOf = (arch) => join(ROOT, 'prebuilds', `linux-${arch}`, 'ipvs.glibc.node');

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** What the prebuilds are built from, as one hash. */
function sourcesHash() {
  const h = createHash('sha256');
  for (const f of [...files(join(ROOT, 'native')), join(ROOT, 'binding.gyp')].sort()) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  h.update(`node-addon-api ${JSON.parse(readFileSync(join(ROOT, 'node_modules/node-addon-api/package.json'), 'utf8')).version}`);
  return h.digest('hex');
}

function problems() {
  const out = TARGETS.filter((t) => !existsSync(binaryOf(t.arch))).map((t) => `prebuilds/linux-${t.arch} is missing`);
  const recorded = existsSync(SOURCES) ? readFileSync(SOURCES, 'utf8').trim() : '';
  if (recorded !== sourcesHash()) out.push('prebuilds are stale: native/ or binding.gyp changed since they were built');
  return out;
}

const args = process.argv.slice(2);
if (args.includes('--check') || (process.env.CI && !args.includes('--force'))) {
  const p = problems();
  if (p.length) {
    console.error(`${p.join('\n')}\nrun \`npm run prebuild\` and commit prebuilds/`);
    process.exit(1);
  }
  console.log('prebuilds: linux-x64 and linux-arm64 present and up to date');
} else if (args.includes('--force') || problems().length) {
  for (const t of TARGETS) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/prebuildify/bin.js'), '--napi', '--strip', '--strip-bin', t.strip, '--tag-libc', '--arch', t.arch], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...t.env },
    });
  }
  writeFileSync(SOURCES, `${sourcesHash()}\n`);
}
