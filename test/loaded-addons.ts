// Which native addons this process has mapped, from /proc/self/maps: proof of
// which build (node-gyp or cmake-js) a suite really ran on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function loadedAddons(): string[] {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  return [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((p) => p.endsWith('.node')))];
}

/** The addon a suite is meant to run on: IPVS_ADDON (set by the harness) or the node-gyp build. */
export function expectedAddon(): string {
  return resolve(process.env.IPVS_ADDON ?? 'build/Release/ipvs.node');
}
