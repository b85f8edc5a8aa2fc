// Fuzz suite: a short libFuzzer run of every target on the host: fuzz/*.cc
// (clang, ASan + UBSan; needs clang and libclang-rt-14-dev) and
// fuzz/js/proc_*.ts (Jazzer.js, a devDependency); no kernel support.
// (A type-only import and __dirname: the project's TS files are CommonJS.)
import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config' with { 'resolution-mode': 'import' };

const config: ViteUserConfig = {
  test: {
    root: resolve(__dirname, '../..'),
    include: ['test/fuzz/**/*.test.ts'],
    // The build runs once in beforeAll; each target then runs for a fixed time.
    hookTimeout: 300_000,
    testTimeout: 120_000,
  },
};
export default config;
