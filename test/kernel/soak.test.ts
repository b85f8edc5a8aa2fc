// The soak (bench/soak.ts, npm run soak: 30 minutes) in short: the same
// cycles (bench/soak/cycle.ts: every public call, batched and single, on
// three handles in two namespaces, with failures on purpose) for about 20
// seconds. After a warm-up, no descriptor may stay open and RSS may not grow
// grossly: this catches a socket or file left open per call, or a reply
// kept per call; leaks of a few bytes per call are for the 30-minute soak
// and the ASan run (scripts/asan.mjs). No timing asserts: it counts cycles,
// however slow the machine.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeSoak, openSoak, runCycle, type SoakContext } from '../../bench/soak/cycle';
import { gcFunction, takeSample } from '../../bench/soak/sample';

const SECONDS = 20;
const WARMUP_SECONDS = 5;
const MIN_WARMUP_CYCLES = 3;
const MIN_CYCLES = 4; // after the warm-up, whatever the time
/**
 * RSS after the warm-up moves by ±5 MiB from sample to sample (malloc arenas
 * of the thread pool); a leaked snapshot per call adds megabytes a cycle.
 */
const MAX_RSS_GROWTH_MIB = 32;
// ASan (scripts/asan.mjs) keeps freed memory in quarantine: RSS grows by design there.
const underAsan = readFileSync('/proc/self/maps', 'utf8').includes('libasan');

let ctx: SoakContext | undefined;
beforeAll(async () => {
  ctx = await openSoak();
});
afterAll(async () => {
  if (ctx) await closeSoak(ctx);
});

it('runs soak cycles with no descriptor left open and bounded RSS', async () => {
  const { gc } = gcFunction();
  const start = Date.now();
  let cycles = 0;
  let operations = 0;
  const cycle = async () => {
    const r = await runCycle(ctx!, cycles++);
    operations += r.operations;
    expect(r.expectedFailures).toBeGreaterThan(0);
  };
  while (cycles < MIN_WARMUP_CYCLES || Date.now() - start < WARMUP_SECONDS * 1000) await cycle();
  const warm = await takeSample(gc, 0, cycles, operations);
  const warmCycles = cycles;
  while (cycles - warmCycles < MIN_CYCLES || Date.now() - start < SECONDS * 1000) await cycle();
  const end = await takeSample(gc, 0, cycles, operations);
  const growthMiB = (end.rssKiB - warm.rssKiB) / 1024;
  console.log(
    `soak test: ${cycles} cycles, ${operations} operations; after ${warmCycles} warm-up cycles: ` +
      `fds ${warm.fds} → ${end.fds}, RSS ${(warm.rssKiB / 1024).toFixed(1)} → ${(end.rssKiB / 1024).toFixed(1)} MiB, ` +
      `threads ${warm.threads} → ${end.threads}${underAsan ? ' (ASan: RSS not checked)' : ''}`,
  );
  expect(end.fds).toBe(warm.fds);
  if (!underAsan) expect(growthMiB).toBeLessThan(MAX_RSS_GROWTH_MIB);
}, 600_000);
