#!/usr/bin/env node
// npm install hook: use the prebuilt addon for this platform (prebuilds/,
// chosen by node-gyp-build: linux-x64 and linux-arm64, glibc); where none
// fits (musl, other architectures) say so and build from source with node-gyp.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
try {
  require('node-gyp-build').path(root);
} catch {
  const libc = process.report?.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl or another libc';
  console.error(
    `ipvs: no prebuilt addon for ${process.platform}-${process.arch} (${libc}); ` +
      'building it from source with node-gyp (needs python3, make and a C++17 compiler)',
  );
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root, process.cwd()] });
  const r = spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
