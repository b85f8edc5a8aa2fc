// Unit suite: runs on the host, needs no kernel support.
// (A type-only import and __dirname: the project's TS files are CommonJS.)
import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config' with { 'resolution-mode': 'import' };

const config: ViteUserConfig = {
  test: {
    root: resolve(__dirname, '../..'),
    include: ['test/unit/**/*.test.ts'],
  },
};
export default config;
