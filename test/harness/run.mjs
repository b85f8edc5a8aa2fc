#!/usr/bin/env node
// Entry point of the real-kernel test harness.
//
//   node test/harness/run.mjs kernel [vitest args...]  kernel suite in a real IPVS kernel
//   node test/harness/run.mjs test                     unit suite on the host, the fuzz suite (short
//                                                      libFuzzer runs), the package suite (packed
//                                                      tarball, arm64 under qemu), then the kernel
//                                                      suite; ends with "N passed, N failed, N skipped"
//   node test/harness/run.mjs demo                     examples/demo.ts in the kernel
//   node test/harness/run.mjs scenario <name>          examples/scenarios (npm run scenario -- nat)
//   node test/harness/run.mjs bench [args...]          bench/scale.ts in the kernel (npm run bench)
//   node test/harness/run.mjs exec -- <cmd> [args...]  any command in the kernel
//
// Env: IPVS_TEST_KERNEL=uml|netns (force where), IPVS_TEST_KERNEL_SOURCE=auto|archive|fallback,
// IPVS_TEST_KERNEL_CACHE (cache dir), IPVS_TEST_TIMEOUT (seconds for the whole run, default 2700),
// IPVS_TEST_UML_MEM (default 2G), IPVS_TEST_KERNEL_MIRROR (Debian mirror for sid).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './kernel.mjs';
import { ensureNodeExporter } from './node-exporter.mjs';
import { HarnessError, killAll, log, makeTempDir, removeTempDir, run, runQuiet } from './proc.mjs';
import { countSuite, reporterArgs } from './summary.mjs';
import { runInKernel } from './target.mjs';

const NODE = process.execPath; // same path inside UML: its / is the host's
const VITEST = 'node_modules/vitest/vitest.mjs';
const KERNEL_SUITE = [NODE, VITEST, 'run', '--config', 'test/kernel/vitest.config.ts'];
const UNIT_SUITE = [NODE, VITEST, 'run', '--config', 'test/unit/vitest.config.ts'];
const PACKAGE_SUITE = [NODE, VITEST, 'run', '--config', 'test/package/vitest.config.ts'];
const FUZZ_SUITE = [NODE, VITEST, 'run', '--config', 'test/fuzz/vitest.config.ts'];
const DEMO = [NODE, 'node_modules/tsx/dist/cli.mjs', 'examples/demo.ts'];
const SCENARIO = [NODE, 'node_modules/tsx/dist/cli.mjs', 'examples/scenarios/run.ts'];
const BENCH = [NODE, 'node_modules/tsx/dist/cli.mjs', 'bench/scale.ts'];
// The alternative build (npm run build:cmake); when present it must pass the same suites.
const CMAKE_ADDON = 'build-cmake/Release/ipvs.node';

// Tools such as modprobe and ip live in sbin, which a non-login PATH may lack.
process.env.PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/sbin:/usr/sbin:/sbin`;

function usage() {
  console.error('usage: run.mjs kernel [vitest args...] | test | demo | scenario <name> | bench [args...] | exec -- <cmd> [args...]');
  return 2;
}

async function main([mode, ...rest]) {
  // The kernel suite and the exporter benchmark compare against node_exporter.
  if (['kernel', 'test', 'exec'].includes(mode)) process.env.IPVS_NODE_EXPORTER = ensureNodeExporter();
  switch (mode) {
    case 'kernel':
      return runInKernel([...KERNEL_SUITE, ...rest]);
    case 'demo':
      return runInKernel(DEMO);
    case 'scenario':
      return runInKernel([...SCENARIO, ...rest]);
    case 'bench': {
      // The raw-netlink lower bound, built on the host (the kernel runs over its files).
      const raw = join(makeTempDir('ipvs-bench-'), 'ipvs-raw');
      runQuiet('cc', ['-O2', '-Wall', '-Wextra', '-o', raw, 'bench/raw/ipvs-raw.c'], { cwd: PROJECT_ROOT });
      return runInKernel([...BENCH, raw, ...rest]);
    }
    case 'exec': {
      const argv = rest[0] === '--' ? rest.slice(1) : rest;
      return argv.length ? runInKernel(argv) : usage();
    }
    case 'test':
      return testAll();
    default:
      return usage();
  }
}

/**
 * Both suites (and both again with the cmake-js addon when it was built),
 * then one summary line; non-zero unless all ran and none failed.
 */
async function testAll() {
  const dir = makeTempDir('ipvs-test-report-');
  const suites = [];
  // On the global timeout, still end with the summary line, counting the hang as a failure.
  onTimeout = () => printSummary([...suites, { name: 'timeout', passed: 0, failed: 1, skipped: 0, notes: [] }]);
  const plan = [
    ['unit', (args) => run(UNIT_SUITE[0], [...UNIT_SUITE.slice(1), ...args], { cwd: PROJECT_ROOT })],
    ['kernel', (args) => runInKernel([...KERNEL_SUITE, ...args])],
  ];
  // Once, not per addon: it tests the packed prebuilds.
  const packageSuite = ['package', (args) => run(PACKAGE_SUITE[0], [...PACKAGE_SUITE.slice(1), ...args], { cwd: PROJECT_ROOT })];
  // Once: a short libFuzzer run of each native parser (clang, ASan + UBSan), on the host.
  const fuzzSuite = ['fuzz', (args) => run(FUZZ_SUITE[0], [...FUZZ_SUITE.slice(1), ...args], { cwd: PROJECT_ROOT })];
  if (existsSync(join(PROJECT_ROOT, CMAKE_ADDON))) {
    const withCmake = (start, extra = []) => async (args) => {
      process.env.IPVS_ADDON = CMAKE_ADDON; // read by lib/native.ts, passed into the kernel
      try {
        return await start([...args, ...extra]);
      } finally {
        delete process.env.IPVS_ADDON;
      }
    };
    // The kernel suite again on the other build, less the longest files that test
    // JavaScript on top of the addon (the CLI corpus, the exporter at scale, the
    // scenarios, the bad-input matrix, the short soak): the addon they use is
    // exercised by every other file.
    const onTop = [
      'test/kernel/ipvsadm/differential.test.ts',
      'test/kernel/exporter/scale.test.ts',
      'test/kernel/scenarios.test.ts',
      'test/kernel/bad-input.test.ts',
      'test/kernel/soak.test.ts',
    ];
    plan.push(...plan.map(([name, start]) => [`${name} (cmake-js addon)`, withCmake(start, name === 'kernel' ? onTop.flatMap((f) => ['--exclude', f]) : [])]));
  }
  plan.splice(1, 0, fuzzSuite, packageSuite);
  try {
    for (const [name, start] of plan) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      let status;
      try {
        status = await start(reporterArgs(file));
      } catch (err) {
        if (!(err instanceof HarnessError)) throw err;
        log(`error: ${err.message}`);
        status = 'error';
      }
      suites.push(countSuite(name, file, status));
    }
    const total = printSummary(suites);
    return total.failed === 0 && total.passed > 0 ? 0 : 1;
  } finally {
    removeTempDir(dir);
  }
}

/** Per-suite lines on stderr, then the one total line, last, on stdout. */
function printSummary(suites) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const s of suites) {
    for (const note of s.notes) log(note);
    log(`${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    for (const k of Object.keys(total)) total[k] += s[k];
  }
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total;
}

// A hung kernel or test must not hang CI: kill everything and fail.
let onTimeout = () => {};
const limit = Number(process.env.IPVS_TEST_TIMEOUT || 2700);
setTimeout(() => {
  killAll();
  log(`error: gave up after ${limit} s (IPVS_TEST_TIMEOUT); killed the test kernel`);
  onTimeout();
  process.exit(124);
}, limit * 1000).unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (err) => {
    log(`error: ${err instanceof HarnessError ? err.message : err.stack}`);
    process.exitCode = 1;
  },
);
