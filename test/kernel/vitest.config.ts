// Kernel suite: run only through `node test/harness/run.mjs kernel`, which
// provides a real IPVS kernel (UML, or a fresh namespace on an IPVS host).
// (A type-only import and __dirname: the project's TS files are CommonJS.)
import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config' with { 'resolution-mode': 'import' };

const config: ViteUserConfig = {
  test: {
    root: resolve(__dirname, '../..'),
    include: ['test/kernel/**/*.test.ts'],
    setupFiles: ['test/kernel/setup.ts'],
    // IPVS and the namespaces are global state of one kernel, and UML has a
    // single CPU: one file at a time, in one worker process.
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};
export default config;
