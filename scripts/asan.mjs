#!/usr/bin/env node
// The kernel suite against an AddressSanitizer + LeakSanitizer + UBSan build
// of the addon (npm run test:asan):
//
//   node scripts/asan.mjs [--no-build | --build-only] [vitest args...]
//
// 1. Builds the addon with gcc's -fsanitize=address,undefined (cmake-js,
//    Release layout, -O1 -g, frame pointers, asserts kept) into
//    build-asan/Release/ipvs.node. Node itself is not instrumented, so gcc's
//    ASan runtime is LD_PRELOADed into every process of the run, with a
//    no-op dlclose() (build-asan/nodlclose.so: node unloads an addon with the
//    last worker thread that used it, and the stacks of what it allocated
//    would then point into nothing).
// 2. Runs the kernel suite, each test file in a test kernel of its own
//    (test/harness/run.mjs exec, one boot per file: see UML below; the
//    variables set with env(1): the harness passes only IPVS_* variables in)
//    with IPVS_ADDON pointing at that build. Every report goes to a file
//    under build-asan/reports/<n>-<file>/ (log_path), not to the test output;
//    exitcode=0 keeps LeakSanitizer from changing any exit status (ipvsadm's
//    included: the tests check them); abort_on_error=1 still kills a process
//    on a memory error.
// 3. A preload for every node process (NODE_OPTIONS=--require
//    build-asan/asan-preload.cjs, written here) records how it ended:
//    naturally (node tears the environment down, Node-API finalizers
//    included, so what LeakSanitizer finds was really lost) or by
//    process.exit() (V8's heap is neither torn down nor scanned, so every
//    block a live JavaScript object still owned shows up as a leak). vitest's
//    worker, where the addon runs, is ended by tinypool with SIGTERM and
//    SIGKILL a second later (no exit, no leak check): the preload makes it
//    close its IPC channel on SIGTERM so that its loop ends by itself
//    (process.exit() after 3 s otherwise), and drops that SIGKILL. It also
//    keeps ASan to node: a child that runs node keeps the runtime first in
//    LD_PRELOAD (before a test's own shim), the others (ipvsadm, ip, sh: the
//    CLI corpus alone runs thousands, each ten times slower with ASan in UML
//    and none of them ours) get it removed.
// 4. Reads the reports: one per memory error, per leak ("Direct/Indirect leak
//    of ...") and per UBSan finding. The addon's: every UBSan report (only
//    the addon is instrumented), every memory error with a frame in
//    ipvs.node, and every leak whose allocating frame (the innermost one
//    outside libasan and the C/C++ runtime) is in ipvs.node, in a process
//    that ended naturally. Filtered and counted: reports with no frame in
//    ipvs.node (node, V8, libuv, ipvsadm... leak at exit by design); leaks
//    that node/V8 allocated inside a Node-API call of the addon (the wrapper
//    of napi_create_external, V8's write-barrier buffers: their lifetime is
//    node's); and the addon's blocks found at a process.exit() (owned by
//    JavaScript objects alive at that moment). The last two are listed by
//    site. The addon's are printed symbolized (llvm-symbolizer, offline:
//    symbolize=0 keeps the exits fast).
//
// UML: ASan's shadow fits (the guest's TASK_SIZE is 0x7f8000000000), but
// each guest page a process touches can take a mapping of its own on the
// host, and the host allows 65530 per process (vm.max_map_count): past it
// UML kills the process ("userspace - Error flushing stub syscalls: 12",
// then SIGSEGV or a hang). ASan's default 256 MiB quarantine of freed memory
// got a test's process there; 8 MiB keeps it under. The longer a test kernel
// runs, the more scattered its free pages, and the more host mappings the
// same memory takes: after 10 to 30 minutes of the suite in one boot, a
// vitest worker still got there (once at its exit, once in the third file).
// Hence a fresh boot for every test file (~2 s each). The run samples the
// guest processes' host mappings, prints the largest count, and fails if UML
// reports the error.
//
// Ends with `asan: <N> reports in the addon (<M> others filtered)`; exits
// non-zero when N > 0, when a test failed, or when a vitest worker did not
// run with ASan or its leak check did not complete. Arguments other than
// ours go to vitest; those without a leading '-' select test files (a path
// containing one). Env: IPVS_TEST_TIMEOUT (per file; default here 3600 s),
// IPVS_TEST_UML_MEM (default here 3G).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countSuite, reporterArgs } from '../test/harness/summary.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const OUT = join(ROOT, 'build-asan');
const ADDON = join(OUT, 'Release', 'ipvs.node');
const REPORTS = join(OUT, 'reports');
const PRELOAD = join(OUT, 'asan-preload.cjs');
const NODLCLOSE = join(OUT, 'nodlclose.so');
const ADDON_NAME = basename(ADDON);
const HOST_MAP_LIMIT = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));

const log = (msg) => process.stderr.write(`[asan] ${msg}\n`);

async function main(argv) {
  const flags = new Set(['--no-build', '--build-only', '--']);
  const vitestArgs = argv.filter((a) => !flags.has(a));
  const started = Date.now();
  if (!argv.includes('--no-build')) buildAddon();
  if (!existsSync(ADDON)) throw new Error(`${ADDON} is missing: run without --no-build`);
  if (!existsSync(NODLCLOSE)) buildNoDlclose();
  const runtime = asanRuntime();
  if (!readElfNeeded(ADDON).some((l) => l.startsWith('libasan')) || !undefinedSymbols(ADDON).some((s) => s.startsWith('__asan_report'))) {
    throw new Error(`${ADDON} is not an instrumented ASan build (no libasan, or no __asan_report_* calls)`);
  }
  if (argv.includes('--build-only')) return 0;

  rmSync(REPORTS, { recursive: true, force: true });
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(PRELOAD, preloadSource(`${runtime} ${NODLCLOSE}`));
  const { files, options } = selectFiles(vitestArgs);
  if (!files.length) throw new Error(`no kernel test file matches ${vitestArgs.join(' ')}`);
  log(`${files.length} test files, each in a test kernel of its own; LD_PRELOAD=${runtime} ${NODLCLOSE}, addon ${ADDON}, reports in ${REPORTS}`);

  const suite = { passed: 0, failed: 0, skipped: 0 };
  const runs = [];
  let result;
  for (const [i, file] of files.entries()) {
    const dir = join(REPORTS, `${String(i + 1).padStart(2, '0')}-${file.replace(/^test\/kernel\//, '').replace(/\W+/g, '-')}`);
    mkdirSync(dir);
    log(`[${i + 1}/${files.length}] ${file}`);
    const json = join(dir, 'vitest.json');
    const run = await runSuite(kernelCommand(runtime, dir, [file, ...reporterArgs(json), ...options]));
    const counts = countSuite(file, json, run.status);
    for (const n of counts.notes) log(n);
    for (const k of Object.keys(suite)) suite[k] += counts[k];
    runs.push({ file, ...run, counts });
    result = mergeReports(result, readReports(dir));
  }
  const seconds = (Date.now() - started) / 1000;
  printReports(result);

  const problems = [];
  const workers = result.processes.filter((p) => p.worker);
  if (workers.length < files.length) problems.push(`${files.length - workers.length} test file(s) ran no vitest worker with the preload (NODE_OPTIONS did not reach it?)`);
  for (const w of workers) {
    const where = `vitest worker ${w.pid} (${w.file})`;
    if (!w.asan) problems.push(`${where} ran without the ASan runtime (LD_PRELOAD did not reach it)`);
    if (w.exit === 'process.exit') log(`warning: ${where} ended by process.exit(): its leaks are counted as "at process.exit"`);
    // LeakSanitizer's check runs after 'exit': a kill in it, or before, shows in the status its parent saw.
    if (!w.status) problems.push(`${where}: its exit status was not recorded`);
    else if (w.status.code !== 0) problems.push(`${where} ended with ${w.status.signal ?? `status ${w.status.code}`} ${w.exit === 'none' ? 'before' : 'after'} its 'exit' event: no complete leak check`);
  }
  log(`vitest workers: ${workers.length}, ${workers.filter((w) => w.status?.code === 0).length} ended with status 0 after their leak check`);
  const addonUsers = result.processes.filter((p) => p.addon);
  log(
    `node processes: ${result.processes.length} (${addonUsers.length} loaded the addon: ` +
      `${addonUsers.filter((p) => p.exit === 'natural').length} ended naturally, ${addonUsers.filter((p) => p.exit === 'process.exit').length} by process.exit(), ` +
      `${addonUsers.filter((p) => p.exit === 'none').length} without exiting)`,
  );
  const maxMaps = Math.max(...runs.map((r) => r.maxMaps));
  log(`largest host mapping count of a guest process: ${maxMaps} (${runs.find((r) => r.maxMaps === maxMaps).file}; host limit ${HOST_MAP_LIMIT})`);
  for (const r of runs) {
    if (r.stubErrors) problems.push(`${r.file}: UML killed ${r.stubErrors} process(es) out of host mappings (vm.max_map_count ${HOST_MAP_LIMIT})`);
    if (r.status !== 0 && r.counts.failed === 0) problems.push(`${r.file}: exit status ${r.status}`);
  }
  for (const p of problems) log(`error: ${p}`);
  const failedFiles = runs.filter((r) => r.counts.failed > 0).map((r) => r.file);
  console.log(
    `asan: kernel suite ${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped in ${files.length} files` +
      `${failedFiles.length ? ` (failed: ${failedFiles.join(', ')})` : ''}, ${(seconds / 60).toFixed(1)} min`,
  );
  const filtered = result.others.length + result.nodeApi.length + result.atProcessExit.length;
  console.log(`asan: ${result.ours.length} reports in the addon (${filtered} others filtered)`);
  return result.ours.length === 0 && suite.failed === 0 && problems.length === 0 ? 0 : 1;
}

/**
 * The kernel test files (as vitest's config includes them) that the
 * positional arguments select (vitest's rule: the path contains one of
 * them; none selects all), and the other arguments, for vitest.
 */
function selectFiles(args) {
  const options = [];
  const filters = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) filters.push(a);
    else if (a.includes('=') || args[i + 1] === undefined || args[i + 1].startsWith('-')) options.push(a);
    else options.push(a, args[++i]);
  }
  const all = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.test.ts')) all.push(`${dir}/${e.name}`);
    }
  };
  walk('test/kernel');
  all.sort();
  return { files: filters.length ? all.filter((f) => filters.some((x) => f.includes(x.replace(/^\.\//, '')))) : all, options };
}

/** The command run in the test kernel for one file: env(1) with the sanitizer settings, then vitest. */
function kernelCommand(runtime, dir, vitestArgs) {
  const env = {
    LD_PRELOAD: `${runtime} ${NODLCLOSE}`,
    ASAN_OPTIONS: [
      'detect_leaks=1',
      'exitcode=0', // leaks: report, never change the exit status
      'abort_on_error=1', // memory errors: abort
      `log_path=${join(dir, 'asan')}`,
      'symbolize=0', // symbolized offline, for the addon's reports only
      'malloc_context_size=30',
      'quarantine_size_mb=8', // not 256: see UML above
      'allow_user_segv_handler=1', // V8's own handlers (wasm)
      'detect_stack_use_after_return=0',
    ].join(':'),
    LSAN_OPTIONS: ['exitcode=0', 'max_leaks=0', 'report_objects=0'].join(':'),
    UBSAN_OPTIONS: ['print_stacktrace=1', 'halt_on_error=0', 'symbolize=0', `log_path=${join(dir, 'ubsan')}`].join(':'),
    NODE_OPTIONS: `--require=${PRELOAD}`,
    IPVS_ADDON: ADDON,
    IPVS_ASAN_REPORTS: dir, // for the preload
  };
  return [
    'env',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    'node_modules/vitest/vitest.mjs',
    'run',
    '--config',
    'test/kernel/vitest.config.ts',
    ...vitestArgs,
  ];
}

/** Two readReports() results as one. */
function mergeReports(a, b) {
  if (!a) return b;
  const out = {};
  for (const k of Object.keys(b)) out[k] = [...a[k], ...b[k]];
  return out;
}

/** cmake-js configure (always: flags may have changed) then build: ninja redoes only what changed. */
function buildAddon() {
  const cmakeJs = join(ROOT, 'node_modules/cmake-js/bin/cmake-js');
  const flags = '-fsanitize=address,undefined -fno-omit-frame-pointer -fno-optimize-sibling-calls -g';
  const args = [
    '--out', OUT,
    '--config', 'Release',
    '--cxx', 'g++', // gcc's runtime (libasan.so.8) is the one preloaded
    // In the Release flags: cmake-js sets CMAKE_CXX_FLAGS itself. -O1 instead of
    // -O3 -DNDEBUG: asserts kept, readable stacks.
    `--CDCMAKE_CXX_FLAGS_RELEASE=-O1 ${flags}`,
    '--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined',
  ];
  log(`building ${ADDON} (${flags} -O1)`);
  for (const cmd of ['configure', 'build']) {
    const r = spawnSync(process.execPath, [cmakeJs, cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(r.stdout + r.stderr);
      throw new Error(`cmake-js ${cmd} failed (status ${r.status})`);
    }
  }
  buildNoDlclose();
}

/** A dlclose() that keeps the library mapped, preloaded after ASan's runtime. */
function buildNoDlclose() {
  const src = join(OUT, 'nodlclose.c');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(src, '// Generated by scripts/asan.mjs: keeps unloaded addons mapped, so ASan can name their frames.\nint dlclose(void *handle) { (void)handle; return 0; }\n');
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', NODLCLOSE, src]);
}

/** gcc's ASan runtime, the one the build links against. */
function asanRuntime() {
  const p = execFileSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  if (!p.startsWith('/') || !existsSync(p)) throw new Error(`gcc's libasan.so not found (${p}): apt-get install libasan8`);
  return realpathSync(p);
}

function undefinedSymbols(file) {
  return execFileSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8', maxBuffer: 1 << 26 })
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop());
}

function readElfNeeded(file) {
  const out = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
  return [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

/**
 * The preload of every node process of the run (NODE_OPTIONS): writes
 * node.<pid> (started; then how it ended, whether it had the addon loaded);
 * in vitest's worker (tinypool's child) ends the loop on SIGTERM; in the
 * process that forks it, never SIGKILLs a worker (its leak check may take
 * longer than tinypool's second; a hung one still meets the harness's timeout).
 */
export function preloadSource(preload = '') {
  return `// Generated by scripts/asan.mjs; see there.
'use strict';
const fs = require('node:fs');
const maps = () => { try { return fs.readFileSync('/proc/self/maps', 'utf8'); } catch { return ''; } };
const record = {
  pid: process.pid,
  argv: process.argv.slice(1, 3),
  worker: /tinypool[\\\\/]dist[\\\\/]entry[\\\\/]process\\.js$/.test(process.argv[1] || ''),
  asan: maps().includes('libasan'),
  addon: false,
  exit: 'none',
};
const dir = process.env.IPVS_ASAN_REPORTS || ${JSON.stringify(REPORTS)};
const write = () => { try { fs.writeFileSync(dir + '/node.' + process.pid, JSON.stringify(record)); } catch {} };
write();
// process.exit() emits 'exit', then calls process.reallyExit(); a natural end never calls it.
process.on('exit', () => {
  record.exit = 'natural';
  record.addon = maps().includes(${JSON.stringify(ADDON_NAME)});
  write();
});
const reallyExit = process.reallyExit;
process.reallyExit = function (code) {
  record.exit = 'process.exit';
  write();
  return reallyExit.call(process, code);
};
// Children: node ones keep ASan's runtime first, before an LD_PRELOAD of their
// own (a test's fault-injection shim); the others (ipvsadm, ip, sh...: thousands
// of runs, each ten times slower with ASan in UML, and none of them ours) lose
// it. A child runs node when its file or any argument names node (sh -c "...",
// ip netns exec <ns> node ...). Sync calls are wrapped (and the ES module
// bindings synced); asynchronous ones all pass ChildProcess#spawn.
{
  const cp = require('node:child_process');
  const ours = ${JSON.stringify(preload)}.split(' ').filter(Boolean);
  const runsNode = (file, args) =>
    [file, ...(Array.isArray(args) ? args : [])].some((a) => typeof a === 'string' && (a.includes(process.execPath) || /(^|[\\/\\s'"])node([\\s'"]|$)/.test(a)));
  /** The LD_PRELOAD a child gets (undefined: none). */
  const preloadFor = (value, node) => {
    const theirs = value.split(/[\\s:]+/).filter((x) => x && !ours.includes(x));
    const list = node ? [...ours, ...theirs] : theirs;
    return list.length ? list.join(' ') : undefined;
  };
  const sync = (name, hasArgs) => {
    const real = cp[name];
    cp[name] = function (file, ...rest) {
      const args = hasArgs && Array.isArray(rest[0]) ? rest[0] : [];
      const options = rest[hasArgs && Array.isArray(rest[0]) ? 1 : 0];
      const env = (options && typeof options === 'object' && options.env) || process.env;
      if (typeof env.LD_PRELOAD !== 'string') return real.call(this, file, ...rest);
      const fixed = { ...env };
      const v = preloadFor(env.LD_PRELOAD, runsNode(file, args));
      if (v === undefined) delete fixed.LD_PRELOAD;
      else fixed.LD_PRELOAD = v;
      const opts = { ...(options && typeof options === 'object' ? options : {}), env: fixed };
      return hasArgs ? real.call(this, file, args, opts) : real.call(this, file, opts);
    };
  };
  sync('spawnSync', true);
  sync('execFileSync', true);
  sync('execSync', false);
  const spawn = cp.ChildProcess.prototype.spawn;
  cp.ChildProcess.prototype.spawn = function (options) {
    if (options && Array.isArray(options.envPairs)) {
      const node = runsNode(options.file, options.args);
      options.envPairs = options.envPairs.flatMap((e) => {
        if (!e.startsWith('LD_PRELOAD=')) return [e];
        const v = preloadFor(e.slice(11), node);
        return v === undefined ? [] : ['LD_PRELOAD=' + v];
      });
    }
    return spawn.call(this, options);
  };
  require('node:module').syncBuiltinESMExports();
}
if (record.worker) {
  process.on('SIGTERM', () => {
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(0), 3000).unref();
  });
} else {
  const cp = require('node:child_process');
  const kill = cp.ChildProcess.prototype.kill;
  cp.ChildProcess.prototype.kill = function (signal) {
    if (signal === 'SIGKILL' && (this.spawnargs || []).some((a) => /tinypool/.test(a))) return true;
    return kill.call(this, signal);
  };
  // How each worker ended, as its parent saw it (a leak check that completed leaves status 0).
  const fork = cp.fork;
  cp.fork = function (...args) {
    const child = fork.apply(this, args);
    if (String(args[0]).includes('tinypool')) {
      child.once('exit', (code, signal) => {
        try { fs.writeFileSync(dir + '/status.' + child.pid, JSON.stringify({ pid: child.pid, code, signal })); } catch {}
      });
    }
    return child;
  };
  require('node:module').syncBuiltinESMExports();
}
`;
}

/**
 * test/harness/run.mjs exec -- <inner>, its output passed on; resolves
 * { status, maxMaps (host mappings of the busiest guest process), stubErrors }.
 */
function runSuite(inner) {
  const env = { ...process.env };
  env.IPVS_TEST_TIMEOUT ??= '3600';
  env.IPVS_TEST_UML_MEM ??= '3G';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/harness/run.mjs'), 'exec', '--', ...inner], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stubErrors = 0;
    let tail = '';
    const pass = (to) => (chunk) => {
      to.write(chunk);
      const text = tail + chunk.toString();
      stubErrors += (text.match(/Error flushing stub syscalls/g) ?? []).length - (tail.match(/Error flushing stub syscalls/g) ?? []).length;
      tail = text.slice(-64);
    };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    let maxMaps = 0;
    const sampler = setInterval(() => {
      for (const pid of descendants(child.pid)) maxMaps = Math.max(maxMaps, countLines(`/proc/${pid}/maps`));
    }, 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      resolvePromise({ status: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), maxMaps, stubErrors });
    });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  });
}

/** Host processes under `root` (UML's guest processes are host processes too). */
function descendants(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)).push(Number(name));
    } catch {
      // gone
    }
  }
  const out = [];
  const todo = [root];
  while (todo.length) for (const c of children.get(todo.pop()) ?? []) out.push(c), todo.push(c);
  return out;
}

function countLines(file) {
  try {
    const text = readFileSync(file, 'latin1');
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}

// --- Reports -----------------------------------------------------------------

/** A frame as printed with symbolize=0: "#3 0x7f..  (/path/module+0x1234)". */
const FRAME = /^\s*#(\d+) 0x[0-9a-f]+\s+\((.+?)\+0x([0-9a-f]+)\)/;

/**
 * Every report of the log files in `dir`, sorted: { ours, nodeApi,
 * atProcessExit, others } (see the top of the file), and processes: the
 * preload's records of the node processes.
 */
export function readReports(dir = REPORTS) {
  const files = readdirSync(dir);
  const statuses = new Map(files.filter((f) => /^status\.\d+$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))).map((x) => [x.pid, x]));
  const processes = files
    .filter((f) => /^node\.\d+$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .map((p) => ({ ...p, file: basename(dir), ...(statuses.has(p.pid) ? { status: statuses.get(p.pid) } : {}) }));
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const reports = [];
  for (const f of files) {
    const m = /^(asan|ubsan)\.(\d+)$/.exec(f);
    if (!m) continue;
    const [, tool, pid] = m;
    const text = readFileSync(join(dir, f), 'utf8');
    reports.push(...(tool === 'asan' ? splitAsan(text) : splitUbsan(text)).map((r) => ({ ...r, pid: Number(pid), file: `${basename(dir)}/${f}` })));
  }
  // The program of each log file: the executable most of its frames are in.
  const programs = new Map();
  for (const r of reports) {
    const counts = programs.get(r.file) ?? programs.set(r.file, new Map()).get(r.file);
    for (const f of r.frames) if (!/\.so(\.|$)/.test(f.module) && basename(f.module) !== ADDON_NAME) counts.set(basename(f.module), (counts.get(basename(f.module)) ?? 0) + 1);
  }
  const programOf = (file) => [...(programs.get(file) ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
  const out = { ours: [], nodeApi: [], atProcessExit: [], others: [], processes };
  for (const r of reports) {
    r.program = programOf(r.file);
    r.exit = byPid.get(r.pid)?.exit ?? 'unknown';
    const inAddon = r.frames.some(isAddon);
    if (r.kind !== 'leak') (inAddon || r.kind === 'ubsan' ? out.ours : out.others).push(r);
    else if (!inAddon) out.others.push(r);
    else if (!isAddon(allocator(r))) out.nodeApi.push(r);
    else (r.exit === 'natural' ? out.ours : out.atProcessExit).push(r);
  }
  return out;
}

const isAddon = (frame) => frame !== undefined && basename(frame.module) === ADDON_NAME;
// The sanitizer runtimes and the C/C++ runtime: what allocates for its caller.
const RUNTIME = /^(libasan|libubsan|liblsan|libstdc\+\+|libc|libm|libgcc_s|ld-linux[^/]*)\.so/;

/**
 * The frame that asked for a leaked block: the innermost one outside the
 * allocator and the C/C++ runtime (std::string, operator new, strdup...
 * allocate for it).
 */
function allocator(r) {
  return r.frames.find((f) => !RUNTIME.test(basename(f.module)));
}

/** ASan/LSan log: memory errors (one report each, with all their stacks) and leaks (one per "... leak of"). */
function splitAsan(text) {
  const out = [];
  let cur;
  const flush = () => {
    if (cur) out.push(cur);
    cur = undefined;
  };
  for (const line of text.split('\n')) {
    const err = /^==\d+==ERROR: (AddressSanitizer|LeakSanitizer): (.*)/.exec(line);
    if (err) {
      flush();
      // The leak header itself is no report: its "leak of" paragraphs are.
      if (err[1] === 'AddressSanitizer') cur = { kind: 'asan', title: err[2], lines: [line], frames: [] };
      continue;
    }
    const leak = /^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\)/.exec(line);
    if (leak) {
      flush();
      cur = { kind: 'leak', title: line.trim(), bytes: Number(leak[2]), lines: [line], frames: [] };
      continue;
    }
    if (/^SUMMARY: /.test(line)) {
      flush();
      continue;
    }
    if (!cur) continue;
    cur.lines.push(line);
    const f = FRAME.exec(line);
    if (f) cur.frames.push({ module: f[2], offset: f[3] });
  }
  flush();
  return out;
}

/** UBSan log: "file:line:col: runtime error: ..." each, with its stack. */
function splitUbsan(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (/runtime error: /.test(line)) out.push({ kind: 'ubsan', title: line.trim(), lines: [line], frames: [] });
    else if (out.length && line.trim()) {
      const cur = out[out.length - 1];
      cur.lines.push(line);
      const f = FRAME.exec(line);
      if (f) cur.frames.push({ module: f[2], offset: f[3] });
    }
  }
  return out;
}

/** module -> Map(offset -> "function file:line"), one llvm-symbolizer run per module. */
function symbolize(frames) {
  const wanted = new Map();
  for (const f of frames) if (f) (wanted.get(f.module) ?? wanted.set(f.module, new Set()).get(f.module)).add(f.offset);
  const names = new Map();
  for (const [module, offsets] of wanted) {
    const list = [...offsets];
    const map = new Map();
    names.set(module, map);
    if (!existsSync(module)) continue;
    const input = list.map((o) => `0x${o}`).join('\n') + '\n';
    const r = spawnSync('llvm-symbolizer', ['--obj', module, '--inlining', '--demangle', '--functions=linkage'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0 || r.error) continue;
    // One block per address, separated by a blank line: pairs of function / file:line:col.
    const blocks = r.stdout.split(/\n\n/);
    list.forEach((o, i) => {
      const l = (blocks[i] ?? '').split('\n').filter(Boolean);
      const pairs = [];
      for (let k = 0; k + 1 < l.length; k += 2) pairs.push(`${l[k]} ${l[k + 1].replace(`${ROOT}/`, '')}`);
      if (pairs.length) map.set(o, pairs.join('\n        (inlined into) '));
    });
  }
  return names;
}

/** "function" of a frame, without arguments or location. */
function shortName(names, f) {
  const full = names.get(f.module)?.get(f.offset);
  if (!full) return `${basename(f.module)}+0x${f.offset}`;
  // The innermost function of the inlining chain that is not the standard library's.
  const chain = full.split('\n        (inlined into) ').map((x) => x.replace(/ \S+:\d+(:\d+)?$/, '').replace(/\(.*$/, ''));
  return chain.find((x) => !STD.test(x)) ?? chain[chain.length - 1];
}
const STD = /^(\S+ )?(std::|__gnu_cxx::|operator new)/;

/** The allocating frame named after the code that asked: past frames wholly in the standard library. */
function allocationSite(names, r) {
  const from = r.frames.indexOf(allocator(r));
  const f = r.frames.slice(from).find((x) => !STD.test(shortName(names, x))) ?? allocator(r);
  return shortName(names, f);
}

/** Leaks grouped by (allocating frame, innermost addon frame): count, bytes. */
function printSites(title, reports) {
  if (!reports.length) return;
  const names = symbolize(reports.flatMap((r) => r.frames));
  const sites = new Map();
  for (const r of reports) {
    const at = allocationSite(names, r);
    const inner = shortName(names, r.frames.find(isAddon));
    const key = isAddon(allocator(r)) ? at : `${at} <- ${inner}`;
    const site = sites.get(key) ?? sites.set(key, { n: 0, bytes: 0, pids: new Set() }).get(key);
    site.n++;
    site.bytes += r.bytes ?? 0;
    site.pids.add(r.file);
  }
  log(`${title}: ${reports.length}`);
  for (const [k, v] of [...sites].sort((a, b) => b[1].bytes - a[1].bytes)) log(`  ${v.n} x, ${v.bytes} bytes, ${v.pids.size} process(es): ${k}`);
}

export function printReports({ ours, nodeApi, atProcessExit, others }) {
  const byProgram = new Map();
  for (const r of others) {
    const key = `${r.program} ${r.kind === 'leak' ? 'leaks' : r.kind === 'asan' ? 'memory errors' : r.kind}`;
    byProgram.set(key, (byProgram.get(key) ?? 0) + 1);
  }
  if (others.length) log(`filtered, no frame in ${ADDON_NAME}: ${[...byProgram].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const r of others.filter((x) => x.kind === 'asan')) log(`note: memory error outside the addon (${r.program}, ${r.file}): ${r.title}`);
  printSites('filtered, allocated by node/V8 inside a Node-API call of the addon (node owns them)', nodeApi);
  printSites('filtered, allocated by the addon, found at a process.exit() (owned by JavaScript objects alive then)', atProcessExit);
  if (!ours.length) return;
  const names = symbolize(ours.flatMap((r) => r.frames));
  console.log(`\n${ours.length} report(s) of the addon:`);
  for (const r of ours) {
    console.log(`\n--- ${r.kind}, ${r.program} pid ${r.pid} (${r.file}, exit: ${r.exit}): ${r.title}`);
    if (r.kind === 'ubsan') {
      console.log(r.lines.join('\n'));
      continue;
    }
    // Frames up to a few past the outermost addon frame.
    const last = r.frames.findLastIndex(isAddon);
    for (const line of r.lines.slice(1)) {
      const f = FRAME.exec(line);
      if (!f) {
        if (line.trim()) console.log(line);
        continue;
      }
      if (r.kind === 'leak' && Number(f[1]) > last + 3) continue;
      const name = names.get(f[2])?.get(f[3]);
      console.log(`    #${f[1]} ${name ?? `${basename(f[2])}+0x${f[3]}`}${name ? ` (${basename(f[2])})` : ''}`);
    }
  }
  console.log('');
}

// Run unless imported (readReports(dir) and printReports() work on their own).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (err) => {
      log(`error: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
