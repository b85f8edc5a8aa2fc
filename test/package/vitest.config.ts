// Package suite: the packed tarball as users get it (install without a
// compiler, CJS/ESM/TypeScript consumers, a kernel smoke test) and the arm64
// prebuild under qemu-user. Needs `npm run build` first.
import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config' with { 'resolution-mode': 'import' };

const config: ViteUserConfig = {
  test: {
    root: resolve(__dirname, '../..'),
    include: ['test/package/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
};
export default config;
