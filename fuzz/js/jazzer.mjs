// The libFuzzer targets of the TypeScript /proc parsers (fuzz/js/proc_*.ts),
// run by Jazzer.js (libFuzzer driving instrumented JavaScript: coverage
// guidance and comparison tracing, like clang's -fsanitize=fuzzer). Used by
// fuzz/run.mjs beside the C++ targets; see there for the options.
//
// esbuild compiles the targets and what they import, file by file, into
// <build-dir>/js/tree/ (the repository's layout); Jazzer.js instruments only
// lib/proc/ there, the parsers: the targets' own checks and the strict
// reference they compare with run as plain code. A target's seeds are its
// `seeds` export (the recorded files of test/fixtures/proc-files.ts).
//
// Jazzer.js 4.0's prebuilt addon needs glibc 2.38 and GCC 13's libstdc++;
// Debian 12 has 2.36 and 12. Three symbols are all it takes from them
// (objdump -T), so on such a host the addon is copied into the build dir,
// those symbols' version needs are dropped (patchelf --clear-symbol-version,
// then the now unused GLIBC_2.38 / GLIBCXX_3.4.32 entries are renamed to
// versions the host has) and it is linked with jazzer-compat.cc's
// definitions; a --require preload makes Jazzer.js load that copy. Anything
// else missing fails the build with what was missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const JS_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(JS_DIR, '../..');
const require = createRequire(import.meta.url);

// Versions the prebuilt addon may need that the shim stands in for, with a
// version of the same library every supported host has.
const STAND_INS = { 'GLIBC_2.38': 'GLIBC_2.2.5', 'GLIBCXX_3.4.32': 'GLIBCXX_3.4' };
const SHIM_SYMBOLS = new Set(['__isoc23_strtol', '__isoc23_strtoul', '_ZSt21ios_base_library_initv']);

/** The JavaScript targets: fuzz/js/proc_*.ts. */
export function jsTargets() {
  return readdirSync(JS_DIR).filter((f) => /^proc_\w+\.ts$/.test(f)).map((f) => basename(f, '.ts')).sort();
}

const treeDir = (buildDir) => join(buildDir, 'js', 'tree');
export const targetPath = (buildDir, name) => join(treeDir(buildDir), 'fuzz', 'js', `${name}.js`);
// What the targets import, compiled beside them (imports not listed here fail at load).
const SOURCES = ['fuzz/js/*.ts', 'lib/proc/*.ts', 'lib/types.ts', 'test/fixtures/proc-files.ts', 'test/fixtures/proc-reference.ts'];
const INSTRUMENTED = 'lib/proc/';

/** Compiles the targets, writes their seeds, and makes Jazzer.js's addon loadable. */
export function buildJs({ buildDir, names, fail }) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch (e) {
    fail(`fuzz: esbuild is not installed (npm ci installs it): ${e.message}`);
  }
  rmSync(treeDir(buildDir), { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: SOURCES.map((s) => join(ROOT, s)),
    outbase: ROOT,
    outdir: treeDir(buildDir),
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline', // Jazzer.js reports findings at TypeScript lines
    logLevel: 'error',
  });
  for (const name of names) {
    const seedDir = join(buildDir, 'seeds', name);
    rmSync(seedDir, { recursive: true, force: true });
    mkdirSync(seedDir, { recursive: true });
    require(targetPath(buildDir, name)).seeds.forEach((s, i) => writeFileSync(join(seedDir, `recorded-${i}`), s));
  }
  preparePreload(buildDir, fail);
}

function addonPath() {
  return join(dirname(require.resolve('@jazzer.js/fuzzer/package.json')), 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

/** Why `file` does not load in this node ('' when it does). */
function loadError(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr.split('\n').find((l) => l.startsWith('Error')) ?? r.stderr;
}

const preloadPath = (buildDir) => join(buildDir, 'js', 'load-compatible-addon.cjs');

/** Writes the preload (or removes it when the prebuilt addon loads as it is). */
function preparePreload(buildDir, fail) {
  let original;
  try {
    original = addonPath();
  } catch (e) {
    fail(`fuzz: @jazzer.js/core is not installed (npm ci installs it): ${e.message}`);
  }
  const preload = preloadPath(buildDir);
  rmSync(preload, { force: true });
  const why = loadError(original);
  if (!why) return;
  if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(why)) fail(`fuzz: Jazzer.js's addon does not load: ${why}`);
  const dir = join(buildDir, 'js');
  const shim = join(dir, 'libjazzer-compat.so');
  const copy = join(dir, basename(original));
  // Both are written under other names and renamed into place: a fuzzer
  // still running from an earlier build has them mapped (rewriting a mapped
  // file in place kills it with SIGBUS).
  const [shimNew, copyNew] = [`${shim}.new`, `${copy}.new`];
  try {
    execFileSync(process.env.CXX || 'clang++', ['-shared', '-fPIC', '-O2', '-o', shimNew, join(JS_DIR, 'jazzer-compat.cc')], { stdio: 'pipe' });
    const needs = execFileSync('objdump', ['-T', original], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /\*UND\*\s+\S+\s+\((GLIBC_2\.38|GLIBCXX_3\.4\.32)\)\s+(\S+)/.exec(l))
      .filter(Boolean)
      .map((m) => m[2]);
    const unknown = needs.filter((s) => !SHIM_SYMBOLS.has(s));
    if (unknown.length) fail(`fuzz: Jazzer.js's addon needs ${unknown.join(', ')} from a newer glibc/libstdc++ than this host's, and fuzz/js/jazzer-compat.cc has no stand-in`);
    copyFileSync(original, copyNew);
    execFileSync('patchelf', [...needs.flatMap((s) => ['--clear-symbol-version', s]), copyNew], { stdio: 'pipe' });
    renameVersionNeeds(copyNew, STAND_INS);
    execFileSync('patchelf', ['--add-needed', shim, copyNew], { stdio: 'pipe' });
    renameSync(shimNew, shim);
    renameSync(copyNew, copy);
  } catch (e) {
    fail(`fuzz: making Jazzer.js's addon loadable on this host failed (needs clang++, objdump, patchelf): ${e.stderr?.toString() || e.message}`);
  }
  const still = loadError(copy);
  if (still) fail(`fuzz: Jazzer.js's addon, relinked for this host, still does not load: ${still}`);
  writeFileSync(
    preload,
    `// Generated by fuzz/js/jazzer.mjs: Jazzer.js loads ${copy} instead of ${original}.\n` +
      `const dlopen = process.dlopen;\nprocess.dlopen = function (module, file, ...rest) {\n` +
      `  return dlopen.call(this, module, String(file) === ${JSON.stringify(original)} ? ${JSON.stringify(copy)} : file, ...rest);\n};\n`,
  );
}

/**
 * Renames the version needs (.gnu.version_r's Vernaux entries) named in
 * `map` to versions the host has: once no symbol uses them, that is all the
 * dynamic loader still checks them for. ELF64 little-endian only.
 */
export function renameVersionNeeds(file, map) {
  const b = readFileSync(file);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const section = (i) => {
    const o = shoff + i * shentsize;
    return { type: b.readUInt32LE(o + 4), offset: Number(b.readBigUInt64LE(o + 0x18)), link: b.readUInt32LE(o + 0x28), info: b.readUInt32LE(o + 0x2c) };
  };
  const elfHash = (s) => {
    let h = 0;
    for (const c of Buffer.from(s)) {
      h = ((h << 4) + c) >>> 0;
      const g = h & 0xf0000000;
      if (g) h ^= g >>> 24;
      h = (h & ~g) >>> 0;
    }
    return h;
  };
  for (let i = 0; i < b.readUInt16LE(0x3c); i++) {
    const s = section(i);
    if (s.type !== 0x6ffffffe) continue; // SHT_GNU_verneed
    const strtab = section(s.link).offset;
    const name = (off) => b.toString('latin1', strtab + off, b.indexOf(0, strtab + off));
    const offsetOf = (text) => {
      const at = b.indexOf(Buffer.from(`\0${text}\0`, 'latin1'), strtab);
      if (at < 0) throw new Error(`${file}: no string ${text} to point a version need at`);
      return at + 1 - strtab;
    };
    let need = s.offset;
    for (let k = 0; k < s.info; k++) {
      let aux = need + b.readUInt32LE(need + 8);
      for (let j = 0; j < b.readUInt16LE(need + 2); j++) {
        const to = map[name(b.readUInt32LE(aux + 8))];
        if (to) {
          b.writeUInt32LE(elfHash(to), aux);
          b.writeUInt32LE(offsetOf(to), aux + 8);
        }
        aux += b.readUInt32LE(aux + 12);
      }
      need += b.readUInt32LE(need + 12);
    }
  }
  writeFileSync(file, b);
}

/** The command that runs a target: node [preload] jazzer <target> <corpora> --sync ... -- <libFuzzer args>. */
export function jsCommand(buildDir, name, { dirs, libFuzzerArgs, timeoutSeconds }) {
  const preload = preloadPath(buildDir);
  return [
    process.execPath,
    ...(existsSync(preload) ? ['--require', preload] : []),
    join(dirname(require.resolve('@jazzer.js/core/package.json')), 'dist', 'cli.js'),
    targetPath(buildDir, name),
    ...dirs,
    '--sync',
    `--includes=${join(treeDir(buildDir), INSTRUMENTED)}`,
    `--timeout=${timeoutSeconds * 1000}`,
    '--',
    ...libFuzzerArgs,
  ];
}
