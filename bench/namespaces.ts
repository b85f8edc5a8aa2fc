/**
 * What the benchmarks share: commands, medians, wall times, and a fresh
 * network namespace per create. After a flush the kernel keeps deleted
 * destinations in a per-namespace "trash" for minutes and every new
 * destination scans it (bench/raw/README.md): a create measured in a used
 * namespace would measure the trash.
 */
import { execFileSync } from 'node:child_process';

export const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A command's wall time, seconds. */
export function timed(cmd: string, ...args: string[]): number {
  const t = performance.now();
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  return (performance.now() - t) / 1000;
}

let nsCount = 0;
/**
 * A fresh namespace with lo up (IPv4 real servers must be unicast in its
 * routes), warmed by `warm` (the namespace's estimator thread starts with its
 * first service: not part of any measurement).
 */
export function freshNamespace(warm: (ns: string) => void): string {
  const ns = `ipvs-bench-${process.pid}-${nsCount++}`;
  sh('ip', 'netns', 'add', ns);
  sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  warm(ns);
  return ns;
}

export async function dropNamespace(ns: string): Promise<void> {
  sh('ip', 'netns', 'del', ns);
  await sleep(2000); // its teardown runs on the one CPU of the test kernel
}
