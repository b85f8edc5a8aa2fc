// Soak: the whole public API in a loop for a given time (bench/soak/cycle.ts:
// a 200-service x 4-destination table built, dumped, updated, zeroed,
// applied, failed on purpose and deleted again, per cycle, on a long-lived
// handle, a per-cycle handle and handles in another network namespace),
// sampling the process every few seconds: RSS, open descriptors, threads and
// the V8 heap after a full GC. After a warm-up (10% of the time, at most 2
// minutes) it fits the growth; it fails when descriptors grew at all, or
// when RSS grew faster than --max-slope KiB per minute.
//
//   npm run soak                        (30 minutes in the test kernel)
//   node test/harness/run.mjs exec -- node node_modules/tsx/dist/cli.mjs bench/soak.ts --minutes 30
//     [--every <s>] [--warmup <min>] [--services 200] [--destinations 4] [--max-slope <KiB/min>]
//
// It needs IPVS (it runs `ip netns` and flushes the table): run it only in
// the test kernel. test/kernel/soak.test.ts runs the same cycles for 20 s.
import { parseArgs } from 'node:util';
import { closeSoak, openSoak, runCycle } from './soak/cycle';
import { gcFunction, growth, mib, SAMPLE_HEADER, sampleRow, signed, takeSample, type Sample } from './soak/sample';

/**
 * Default RSS slope limit, KiB per minute after the warm-up (1.25 MiB per 10
 * minutes). Measured in the UML test kernel (30 minutes, 2-core host, about
 * 230,000 operations a minute): RSS scatters ±1.7 MiB (sd) around a line of
 * +40 ± 20 KiB/min (a quarter of it the V8 heap). 128 is three times that,
 * over four standard errors above it; at that rate a leak of 0.6 bytes per
 * operation on average (one 64-byte block per 100 calls, or 3 KiB per
 * handle opened) crosses it.
 */
const DEFAULT_MAX_SLOPE = 128;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    every: { type: 'string' },
    warmup: { type: 'string' },
    services: { type: 'string', default: '200' },
    destinations: { type: 'string', default: '4' },
    'max-slope': { type: 'string', default: String(DEFAULT_MAX_SLOPE) },
  },
  strict: true,
});

const num = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new RangeError(`--${name}: a number >= ${min}, not ${v}`);
  return n;
};

const minutes = num('minutes', values.minutes, 0.05);
const total = minutes * 60; // seconds
const every = values.every === undefined ? Math.min(60, Math.max(5, total / 120)) : num('every', values.every, 1);
const warmup = values.warmup === undefined ? Math.min(0.1 * total, 120) : num('warmup', values.warmup, 0) * 60;
const maxSlope = num('max-slope', values['max-slope'], 0);

(async () => {
  const { gc, how } = gcFunction();
  const ctx = await openSoak({ services: num('services', values.services, 10), destinations: num('destinations', values.destinations, 1) });
  console.log(
    `soak: ${minutes} min, ${ctx.services} services x ${ctx.destinations} destinations a cycle, sample every ${every} s, ` +
      `warm-up ${(warmup / 60).toFixed(1)} min, RSS slope limit ${maxSlope} KiB/min, gc via ${how}, ` +
      `addon ${process.env.IPVS_ADDON ?? '(node-gyp-build)'}, node ${process.version}, namespace ${ctx.namespace}`,
  );
  const samples: Sample[] = [];
  const record = (s: Sample) => {
    samples.push(s);
    console.log(sampleRow(s));
  };
  let cycles = 0;
  let operations = 0;
  let onPurpose = 0;
  let failure: unknown;
  const start = performance.now();
  const now = () => (performance.now() - start) / 1000;
  console.log(SAMPLE_HEADER);
  record(await takeSample(gc, 0, 0, 0));
  let next = every;
  try {
    while (now() < total) {
      const r = await runCycle(ctx, cycles);
      cycles++;
      operations += r.operations;
      onPurpose += r.expectedFailures;
      if (now() >= next) {
        record(await takeSample(gc, now(), cycles, operations));
        while (next <= now()) next += every;
      }
    }
  } catch (e) {
    failure = e;
  }
  try {
    await closeSoak(ctx);
  } catch (e) {
    failure ??= e;
  }
  if (samples[samples.length - 1]!.cycles !== cycles) record(await takeSample(gc, now(), cycles, operations));

  const g = growth(samples, warmup);
  const fdsMax = Math.max(...samples.filter((s) => s.t >= g.from.t).map((s) => s.fds));
  const bytesPerOp = g.opsPerMinute > 0 ? (g.rssSlope * 1024) / g.opsPerMinute : 0;
  console.log(
    `soak: ${(now() / 60).toFixed(1)} min, ${cycles} cycles, ${operations} operations (${onPurpose} failing on purpose), ` +
      `RSS ${mib(g.from.rssKiB)} → ${mib(g.to.rssKiB)} MiB after warm-up (${signed(g.rssDeltaKiB / 1024)} MiB, slope ${signed(g.rssSlope / 1024, 3)} MiB/min ` +
      `= ${signed(g.rssSlope, 1)} KiB/min, ${signed(bytesPerOp, 3)} bytes/operation), fds ${g.from.fds} → ${g.to.fds}` +
      `${fdsMax > g.to.fds ? ` (max ${fdsMax})` : ''}, heap ${mib(g.from.heapKiB)} → ${mib(g.to.heapKiB)} MiB ` +
      `(${signed(g.heapDeltaKiB / 1024)} MiB, slope ${signed(g.heapSlope, 1)} KiB/min), threads ${g.from.threads} → ${g.to.threads}; ` +
      `${g.samples} samples from ${(g.from.t / 60).toFixed(1)} min`,
  );
  const problems: string[] = [];
  if (failure) problems.push(`cycle ${cycles} failed: ${failure instanceof Error ? failure.stack : String(failure)}`);
  if (g.fdsDelta > 0) problems.push(`open descriptors grew after the warm-up: ${g.from.fds} → ${g.to.fds}`);
  if (g.rssSlope > maxSlope) problems.push(`RSS grew ${g.rssSlope.toFixed(1)} KiB/min after the warm-up (limit ${maxSlope})`);
  if (cycles < 2) problems.push(`only ${cycles} cycle(s) ran`);
  for (const p of problems) console.log(`soak: FAIL: ${p}`);
  if (!problems.length) console.log('soak: ok');
  process.exitCode = problems.length ? 1 : 0;
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
