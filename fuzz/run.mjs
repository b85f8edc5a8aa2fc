#!/usr/bin/env node
// Builds the libFuzzer targets and runs them, one at a time, on seed corpora
// made from recorded kernel replies and /proc files: fuzz/*.cc, the native
// parsers (clang, ASan + UBSan), and fuzz/js/proc_*.ts, the TypeScript /proc
// parsers (Jazzer.js: libFuzzer over instrumented JavaScript; fuzz/js/jazzer.mjs).
//
//   node fuzz/run.mjs [options] [target...]       every target when none is named
//
//   --seconds N       run each target N seconds (libFuzzer -max_total_time)
//   --runs N          run each target N executions (libFuzzer -runs)
//                     (neither: --seconds 30; both: whichever ends first)
//   --build-only      build, write the seeds, run nothing
//   --no-build        use the binaries already built
//   --build-dir DIR   binaries, objects, corpora, logs, artifacts (default fuzz/build/)
//   --timeout S       one input running longer is a finding (default 10)
//   --rss-limit-mb N  (default 2048)     --max-len N   largest input (default 4096; 1024 for fuzz/js)
//   --verbose         copy libFuzzer's output to stderr as it runs
//   --list            print the target names
//
// Prints one line per target:
//   <target>: <execs> executions, <N> findings, <secs> s
// and exits 1 on any finding (a file libFuzzer saved: crash-, leak-, timeout-,
// oom-; a sanitizer report, uncaught exception or failed invariant in its
// log; a non-zero exit),
// 2 on a usage or build error. A finding's input stays in
// <build-dir>/artifacts/<target>/ (cleared when that target runs again); keep
// it under fuzz/regressions/<target>/, whose files every run executes first.
// Each run also keeps what it found new in <build-dir>/corpus/<target>/.
//
// Env: CXX (default clang++); ASAN_OPTIONS / UBSAN_OPTIONS are appended to
// the defaults below (later options win).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJs, jsCommand, jsTargets, targetPath } from './js/jazzer.mjs';
import { writeSeeds } from './seeds.mjs';

const FUZZ_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(FUZZ_DIR, '..');
export const DEFAULT_BUILD_DIR = join(FUZZ_DIR, 'build');

// The plain C++ parsers the targets link (no N-API, no sockets).
const NATIVE_SOURCES = [
  'native/netlink/attributes.cc',
  'native/netlink/message.cc',
  'native/netlink/ack.cc',
  'native/netlink/reply_reader.cc',
  'native/netlink/batch_reader.cc',
  'native/ipvs/codec.cc',
];
// The brief's sanitizer set plus binding.gyp's cflags_cc (its defines are
// N-API's only, and nothing here includes N-API).
const CXXFLAGS = [
  '-std=c++17', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all',
  '-pthread', '-fexceptions', '-Wall', '-Wextra', '-Wno-unused-parameter',
];
const ASAN_OPTIONS = 'detect_leaks=1:strict_string_checks=1:check_initialization_order=1';
const UBSAN_OPTIONS = 'print_stacktrace=1:halt_on_error=1';
const INSTALL_HINT = 'the fuzz targets need clang++ with libFuzzer, ASan and UBSan: install clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)';

export class FuzzError extends Error {}

/** The native targets: fuzz/<name>.cc. */
function nativeTargets() {
  return readdirSync(FUZZ_DIR).filter((f) => f.endsWith('.cc')).map((f) => basename(f, '.cc')).sort();
}

/** Every target: the native ones, then the JavaScript ones (fuzz/js/<name>.ts). */
export function targets() {
  return [...nativeTargets(), ...jsTargets()];
}

const isJs = (name) => jsTargets().includes(name);

function cxx() {
  return process.env.CXX || 'clang++';
}

/** Fails with the install hint unless clang++ builds and links a libFuzzer target with both sanitizers. */
function checkCompiler(dir) {
  const src = join(dir, 'preflight.cc');
  writeFileSync(src, '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n');
  const r = spawnSync(cxx(), [...CXXFLAGS, '-o', join(dir, 'preflight'), src], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? `${cxx()}: ${r.error.message}` : r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new FuzzError(`fuzz: ${INSTALL_HINT}\n${why}`);
  }
}

function mtime(path) {
  return statSync(path).mtimeMs;
}

/** Runs compiler jobs, at most `parallel` at a time; rejects with the first failure's output. */
async function runJobs(jobs, parallel) {
  let next = 0;
  const failures = [];
  async function worker() {
    while (next < jobs.length && !failures.length) {
      const job = jobs[next++];
      const r = await new Promise((done) => {
        const child = spawn(cxx(), job.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => { out += d; });
        child.stderr.on('data', (d) => { out += d; });
        child.on('error', (e) => done({ status: -1, out: e.message }));
        child.on('close', (status) => done({ status, out }));
      });
      if (r.out.trim()) process.stderr.write(r.out);
      if (r.status !== 0) failures.push(`fuzz: building ${job.name} failed:\n${r.out}`);
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  if (failures.length) throw new FuzzError(failures[0]);
}

/**
 * Builds the named targets (objects are reused while newer than their source,
 * every header, this file and the flags) and writes the seed corpora.
 */
export async function build({ buildDir = DEFAULT_BUILD_DIR, names = targets() } = {}) {
  mkdirSync(buildDir, { recursive: true });
  checkCompiler(buildDir);
  const js = names.filter(isJs);
  if (js.length) buildJs({ buildDir, names: js, fail: (message) => { throw new FuzzError(message); } });
  const native = names.filter((n) => !isJs(n));
  if (native.length) await buildNative(buildDir, native);
}

async function buildNative(buildDir, names) {
  const objDir = join(buildDir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const flagsFile = join(buildDir, 'flags');
  const flags = JSON.stringify([cxx(), ...CXXFLAGS]);
  const sameFlags = existsSync(flagsFile) && readFileSync(flagsFile, 'utf8') === flags;
  const headers = [
    ...['native/netlink', 'native/ipvs'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.h')).map((f) => join(ROOT, d, f))),
    ...readdirSync(FUZZ_DIR).filter((f) => f.endsWith('.h')).map((f) => join(FUZZ_DIR, f)),
    fileURLToPath(import.meta.url),
  ];
  const newestInput = Math.max(...headers.map(mtime));
  const stale = (out, src) => !sameFlags || !existsSync(out) || mtime(out) < Math.max(newestInput, mtime(src));

  const objects = NATIVE_SOURCES.map((s) => ({ src: join(ROOT, s), obj: join(objDir, s.replaceAll('/', '_').replace(/\.cc$/, '.o')) }));
  const compile = objects.filter((o) => stale(o.obj, o.src))
    .map((o) => ({ name: o.src, args: [...CXXFLAGS, '-c', '-o', o.obj, o.src] }));
  await runJobs(compile, availableParallelism());
  const link = names.map((t) => ({ src: join(FUZZ_DIR, `${t}.cc`), bin: join(buildDir, t) }))
    .filter((t) => compile.length || stale(t.bin, t.src))
    .map((t) => ({ name: t.src, args: [...CXXFLAGS, '-o', t.bin, t.src, ...objects.map((o) => o.obj)] }));
  await runJobs(link, availableParallelism());
  writeFileSync(flagsFile, flags);
  writeSeeds(join(buildDir, 'seeds'));
}

function symbolizer() {
  for (const p of ['/usr/bin/llvm-symbolizer', '/usr/lib/llvm-14/bin/llvm-symbolizer']) if (existsSync(p)) return p;
  return undefined;
}

// What in libFuzzer's log means something went wrong, even without an artifact.
const REPORT = /^==\d+==ERROR: |^==\d+== Uncaught Exception|runtime error: |fuzz invariant failed|deadly signal|ERROR: libFuzzer|^SUMMARY: /m;

/**
 * Runs one target; resolves to { target, execs, findings, seconds, artifacts, log, report }.
 * Options: seconds, runs, timeout, rssLimitMb, maxLen, verbose.
 */
export async function runTarget(target, { buildDir = DEFAULT_BUILD_DIR, seconds, runs, timeout = 10, rssLimitMb = 2048, maxLen, verbose = false } = {}) {
  const js = isJs(target);
  // /proc rows are parsed line by line: 1 KiB holds a header and several
  // rows, and instrumented JavaScript runs in time linear in the input.
  maxLen ??= js ? 1024 : 4096;
  const bin = js ? targetPath(buildDir, target) : join(buildDir, target);
  if (!existsSync(bin)) throw new FuzzError(`fuzz: ${bin} is not built (run without --no-build)`);
  const corpus = join(buildDir, 'corpus', target);
  const artifacts = join(buildDir, 'artifacts', target);
  const logDir = join(buildDir, 'logs');
  rmSync(artifacts, { recursive: true, force: true });
  for (const d of [corpus, artifacts, logDir]) mkdirSync(d, { recursive: true });
  const dirs = [corpus, join(buildDir, 'seeds', target), join(FUZZ_DIR, 'regressions', target)].filter((d) => existsSync(d));
  const args = [
    '-print_final_stats=1', `-rss_limit_mb=${rssLimitMb}`, ...(js ? [] : [`-timeout=${timeout}`]), `-max_len=${maxLen}`,
    `-artifact_prefix=${artifacts}/`,
    ...(runs !== undefined ? [`-runs=${runs}`] : []),
    ...(seconds !== undefined ? [`-max_total_time=${seconds}`] : []),
    ...(js ? [] : dirs),
  ];
  const [command, ...commandArgs] = js ? jsCommand(buildDir, target, { dirs, libFuzzerArgs: args, timeoutSeconds: timeout }) : [bin, ...args];
  const sym = symbolizer();
  const env = {
    ...process.env,
    ASAN_OPTIONS: [ASAN_OPTIONS, process.env.ASAN_OPTIONS].filter(Boolean).join(':'),
    UBSAN_OPTIONS: [UBSAN_OPTIONS, process.env.UBSAN_OPTIONS].filter(Boolean).join(':'),
    ...(sym ? { ASAN_SYMBOLIZER_PATH: sym, UBSAN_SYMBOLIZER_PATH: sym } : {}),
  };
  const logPath = join(logDir, `${target}.log`);
  const log = createWriteStream(logPath);
  const started = process.hrtime.bigint();
  const { code, signal } = await new Promise((done, fail) => {
    const child = spawn(command, commandArgs, { cwd: buildDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr]) {
      s.pipe(log, { end: false });
      if (verbose) s.pipe(process.stderr, { end: false });
    }
    child.on('error', fail);
    child.on('close', (c, sig) => done({ code: c, signal: sig }));
  });
  const seconds_ = Number(process.hrtime.bigint() - started) / 1e9;
  await new Promise((done) => log.end(done));
  const text = readFileSync(logPath, 'utf8');
  // libFuzzer's final stats; else its last status line (Jazzer.js's process
  // may end before libFuzzer has written all of its closing output).
  const statusLines = [...text.matchAll(/^#(\d+)\t/gm)];
  const execs = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(text)?.[1] ?? statusLines.at(-1)?.[1] ?? 0);
  const saved = readdirSync(artifacts).map((f) => join(artifacts, f));
  const m = REPORT.exec(text);
  const report = m ? text.slice(Math.max(0, text.lastIndexOf('\n', m.index) + 1)).split('\n').slice(0, 60).join('\n') : '';
  const failed = code !== 0 || signal !== null || m !== null;
  const findings = saved.length || (failed ? 1 : 0);
  return { target, execs, findings, seconds: seconds_, artifacts: saved, log: logPath, report, code, signal };
}

export function formatResult(r) {
  return `${r.target}: ${r.execs} executions, ${r.findings} findings, ${r.seconds.toFixed(1)} s`;
}

function parseArgs(argv) {
  const o = { names: [], build: true, run: true, buildDir: DEFAULT_BUILD_DIR, verbose: false, list: false };
  const num = (flag, v) => {
    if (v === undefined || !/^\d+$/.test(v)) throw new FuzzError(`fuzz: ${flag} needs a whole number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--seconds': o.seconds = num(a, argv[++i]); break;
      case '--runs': o.runs = num(a, argv[++i]); break;
      case '--timeout': o.timeout = num(a, argv[++i]); break;
      case '--rss-limit-mb': o.rssLimitMb = num(a, argv[++i]); break;
      case '--max-len': o.maxLen = num(a, argv[++i]); break;
      case '--build-dir': o.buildDir = resolve(argv[++i] ?? ''); break;
      case '--build-only': o.run = false; break;
      case '--no-build': o.build = false; break;
      case '--verbose': o.verbose = true; break;
      case '--list': o.list = true; break;
      default:
        if (a.startsWith('-')) throw new FuzzError(`fuzz: unknown option ${a} (see the top of fuzz/run.mjs)`);
        o.names.push(a);
    }
  }
  const known = targets();
  for (const n of o.names) if (!known.includes(n)) throw new FuzzError(`fuzz: no target ${n} (targets: ${known.join(', ')})`);
  if (!o.names.length) o.names = known;
  if (o.seconds === undefined && o.runs === undefined) o.seconds = 30;
  return o;
}

async function main(argv) {
  const o = parseArgs(argv);
  if (o.list) {
    console.log(targets().join('\n'));
    return 0;
  }
  if (o.build) await build({ buildDir: o.buildDir, names: o.names });
  if (!o.run) return 0;
  let found = 0;
  for (const name of o.names) {
    const r = await runTarget(name, o);
    console.log(formatResult(r));
    if (r.findings) {
      found += r.findings;
      for (const a of r.artifacts) console.log(`  input: ${a}`);
      if (r.report) console.log(r.report.replace(/^/gm, '  | '));
      console.log(`  exit: ${r.signal ?? r.code}; log: ${r.log}`);
    }
  }
  return found ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
      console.error(e instanceof FuzzError ? e.message : e);
      process.exitCode = 2;
    },
  );
}
