/**
 * What the soak watches in its own process: resident memory, open file
 * descriptors, threads (from /proc/self) and the V8 heap after a full GC;
 * and how they grew after a warm-up (least-squares slope).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  cycles: number;
  operations: number;
  /** VmRSS, KiB. */
  rssKiB: number;
  /** Entries of /proc/self/fd (the listing's own descriptor included, the same every time). */
  fds: number;
  /** V8 heap used after GC, KiB. */
  heapKiB: number;
  /** Threads of the process (libuv's pool, V8's platform, the addon's short-lived namespace threads). */
  threads: number;
}

/**
 * global.gc when node runs with --expose-gc, else the same function obtained
 * at run time (tsx's CLI does not hand node flags to the process it starts).
 */
export function gcFunction(): { gc: () => void; how: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, how: '--expose-gc' };
  setFlagsFromString('--expose-gc');
  return { gc: runInNewContext('gc') as () => void, how: 'v8.setFlagsFromString' };
}

const immediate = () => new Promise<void>((r) => setImmediate(r));

function statusField(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
  if (!m) throw new Error(`/proc/self/status has no ${field}`);
  return Number(m[1]);
}

/**
 * A sample after two full collections, each followed by an event-loop turn
 * (Node-API finalizers, which free the addon's objects, run after the GC).
 */
export async function takeSample(gc: () => void, t: number, cycles: number, operations: number): Promise<Sample> {
  for (let i = 0; i < 2; i++) {
    gc();
    await immediate();
  }
  const status = readFileSync('/proc/self/status', 'utf8');
  return {
    t,
    cycles,
    operations,
    rssKiB: statusField(status, 'VmRSS'),
    fds: readdirSync('/proc/self/fd').length,
    heapKiB: Math.round(process.memoryUsage().heapUsed / 1024),
    threads: statusField(status, 'Threads'),
  };
}

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface Growth {
  /** The first sample at or after the warm-up, and the last. */
  from: Sample;
  to: Sample;
  /** Samples the slopes are fitted over. */
  samples: number;
  rssDeltaKiB: number;
  /** KiB per minute. */
  rssSlope: number;
  heapDeltaKiB: number;
  heapSlope: number;
  fdsDelta: number;
  threadsDelta: number;
  /** Operations per minute after the warm-up. */
  opsPerMinute: number;
}

/** Growth over the samples taken at or after `warmupSeconds`. */
export function growth(all: Sample[], warmupSeconds: number): Growth {
  let after = all.filter((s) => s.t >= warmupSeconds);
  if (after.length < 2) after = all.slice(-2);
  const from = after[0]!;
  const to = after[after.length - 1]!;
  const minutes = after.map((s) => s.t / 60);
  const span = (to.t - from.t) / 60;
  return {
    from,
    to,
    samples: after.length,
    rssDeltaKiB: to.rssKiB - from.rssKiB,
    rssSlope: slope(minutes, after.map((s) => s.rssKiB)),
    heapDeltaKiB: to.heapKiB - from.heapKiB,
    heapSlope: slope(minutes, after.map((s) => s.heapKiB)),
    fdsDelta: to.fds - from.fds,
    threadsDelta: to.threads - from.threads,
    opsPerMinute: span > 0 ? (to.operations - from.operations) / span : 0,
  };
}

export const mib = (kib: number) => (kib / 1024).toFixed(1);
export const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** A compact fixed-width table row of one sample. */
export function sampleRow(s: Sample): string {
  return [
    (s.t / 60).toFixed(1).padStart(6),
    String(s.cycles).padStart(7),
    String(s.operations).padStart(9),
    mib(s.rssKiB).padStart(8),
    mib(s.heapKiB).padStart(8),
    String(s.fds).padStart(4),
    String(s.threads).padStart(4),
  ].join(' ');
}

export const SAMPLE_HEADER = [['min', 6], ['cycles', 7], ['ops', 9], ['RSS MiB', 8], ['heap MiB', 8], ['fds', 4], ['thr', 4]]
  .map(([name, width]) => String(name).padStart(Number(width)))
  .join(' ');
