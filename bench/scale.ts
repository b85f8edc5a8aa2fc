// Speed at scale (issue 5): creating, snapshotting and re-applying a table of
// 10,000 TCP services x 4 masq destinations, ipvs against `ipvsadm` and
// against bench/raw/ipvs-raw.c (the raw-netlink lower bound: the fastest way
// C can do it over one socket), all in one boot of the test kernel. Prints
// the median of each and the ratios; the tests assert behaviour, not these.
//
//   npm run bench                 (boots the test kernel: test/harness/run.mjs bench)
//   node test/harness/run.mjs bench [services=10000] [destinations=4] [runs=3]
//
// Every create runs in a fresh network namespace (bench/namespaces.ts).
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Ipvs, type DesiredService } from '../lib/index';
import { dropNamespace, freshNamespace as freshNs, median, sh, sleep, timed } from './namespaces';
import { desiredTable, ipvsadmRules } from './table';

const [rawBin, servicesArg, destinationsArg, runsArg] = process.argv.slice(2);
if (!rawBin) throw new Error('usage: scale.ts <ipvs-raw binary> [services] [destinations] [runs]');
const N = Number(servicesArg ?? 10000);
const D = Number(destinationsArg ?? 4);
const RUNS = Number(runsArg ?? 3);
const RULES = '/tmp/ipvs-bench-rules';

const warm = (ns: string) => {
  sh('ip', 'netns', 'exec', ns, rawBin!, 'create', '1', '1');
  sh('ip', 'netns', 'exec', ns, rawBin!, 'flush');
};
const freshNamespace = () => freshNs(warm);

/** Seconds, as ipvs-raw prints them ('... seconds=0.123 ...'). */
const rawSeconds = (out: string) => Number(/seconds=([\d.]+)/.exec(out)![1]);

/** Event-loop stalls and GC pauses while `f` runs (ms), and RSS growth (MB). */
async function observed<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number; stall: number; gc: number; rss: number }> {
  const gcPauses: number[] = [];
  const obs = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
  obs.observe({ entryTypes: ['gc'] });
  const h = monitorEventLoopDelay({ resolution: 1 });
  const rss0 = process.memoryUsage().rss;
  h.enable();
  const t = performance.now();
  const value = await f();
  const seconds = (performance.now() - t) / 1000;
  h.disable();
  const rss = (process.memoryUsage().rss - rss0) / 1e6;
  await sleep(10);
  obs.disconnect();
  // monitorEventLoopDelay reports the delay beyond its 1 ms timer.
  return { value, seconds, stall: h.max / 1e6, gc: Math.max(0, ...gcPauses), rss };
}

const rows: Array<[string, string, string]> = [];
const row = (what: string, seconds: number, note = '') => {
  rows.push([what, `${seconds.toFixed(3)} s`, note]);
  console.log(`  ${what}: ${seconds.toFixed(3)} s ${note}`);
};

(async () => {
  sh('modprobe', 'ip_vs');
  writeFileSync(RULES, ipvsadmRules(N, D));
  const table: DesiredService[] = desiredTable(N, D);
  console.log(`table: ${N} TCP services x ${D} masq destinations (${N + N * D} objects); median of ${RUNS}, one boot`);

  // Create, each contender in its own fresh namespace, interleaved.
  const create = { ipvsadm: [] as number[], raw: [] as number[], rawNaive: [] as number[], apply: [] as number[], batch: [] as number[], batchOne: [] as number[], batchAckEach: [] as number[] };
  const createStall = { stall: [] as number[], gc: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    let ns = freshNamespace();
    create.ipvsadm.push(timed('ip', 'netns', 'exec', ns, 'sh', '-c', `ipvsadm -R < ${RULES}`));
    await dropNamespace(ns);
    ns = freshNamespace();
    create.raw.push(rawSeconds(sh('ip', 'netns', 'exec', ns, rawBin, 'create', String(N), String(D))));
    await dropNamespace(ns);
    ns = freshNamespace();
    create.rawNaive.push(rawSeconds(sh('ip', 'netns', 'exec', ns, rawBin, 'create', String(N), String(D), '--window', '1', '--ack', 'each')));
    await dropNamespace(ns);
    ns = freshNamespace();
    let ipvs = await Ipvs.open({ netns: `/run/netns/${ns}` });
    const o = await observed(() => ipvs.apply(table));
    if (o.value.length !== N + N * D) throw new Error(`apply made ${o.value.length} changes`);
    create.apply.push(o.seconds);
    createStall.stall.push(o.stall);
    createStall.gc.push(o.gc);
    ipvs.close();
    await dropNamespace(ns);
    // batch() with the default wire strategy, one request per datagram, and an ACK for each.
    for (const [list, options] of [[create.batch, {}], [create.batchOne, { window: 1 }], [create.batchAckEach, { ackEach: true }]] as const) {
      ns = freshNamespace();
      ipvs = await Ipvs.open({ netns: `/run/netns/${ns}` });
      const t = performance.now();
      const b = ipvs.batch();
      for (const s of table) {
        b.addService(s);
        for (const d of s.destinations!) b.addDestination(s, d);
      }
      await b.run(options);
      list.push((performance.now() - t) / 1000);
      ipvs.close();
      await dropNamespace(ns);
    }
  }
  console.log('create:');
  const ours = median(create.apply);
  row('ipvsadm -R', median(create.ipvsadm));
  row('raw C, one request per send', median(create.rawNaive));
  row('raw C, 1024 per send (lower bound)', median(create.raw));
  row('ipvs apply()', ours, `ipvsadm/ours ${(median(create.ipvsadm) / ours).toFixed(1)}x, ours/raw ${(ours / median(create.raw)).toFixed(2)}x`);
  row('ipvs batch()', median(create.batch), `ipvsadm/ours ${(median(create.ipvsadm) / median(create.batch)).toFixed(1)}x, ours/raw ${(median(create.batch) / median(create.raw)).toFixed(2)}x`);
  row('ipvs batch({ window: 1 })', median(create.batchOne), 'one request per datagram');
  row('ipvs batch({ ackEach: true })', median(create.batchAckEach), 'an ACK for every request');

  // Snapshot and apply() of a 1% change, on one table.
  const ns = freshNamespace();
  const ipvs = await Ipvs.open({ netns: `/run/netns/${ns}` });
  await ipvs.apply(table);
  const snap = { ipvsadm: [] as number[], raw: [] as number[], ours: [] as number[], stall: [] as number[], gc: [] as number[], rss: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    snap.ipvsadm.push(timed('ip', 'netns', 'exec', ns, 'sh', '-c', 'ipvsadm -Ln --stats --exact > /dev/null'));
    snap.raw.push(rawSeconds(sh('ip', 'netns', 'exec', ns, rawBin, 'dump', '--recvmmsg')));
    const o = await observed(() => ipvs.snapshot());
    if (o.value.length !== N) throw new Error(`snapshot has ${o.value.length} services`);
    snap.ours.push(o.seconds);
    snap.stall.push(o.stall);
    snap.gc.push(o.gc);
    snap.rss.push(o.rss);
  }
  console.log('snapshot with stats:');
  row('ipvsadm -Ln --stats --exact', median(snap.ipvsadm));
  row('raw C dump (lower bound)', median(snap.raw));
  row('ipvs snapshot()', median(snap.ours), `ipvsadm/ours ${(median(snap.ipvsadm) / median(snap.ours)).toFixed(1)}x, ours/raw ${(median(snap.ours) / median(snap.raw)).toFixed(2)}x`);

  const changed = { applied: [] as number[], stall: [] as number[], gc: [] as number[] };
  const every = Math.round(100 / 1); // 1% of destinations
  for (let r = 0; r < RUNS; r++) {
    const want = structuredClone(table);
    let n = 0;
    want.forEach((s, i) => s.destinations!.forEach((d, j) => { if ((i * D + j) % every === r % every) { d.weight = 2 + r; n++; } }));
    const o = await observed(() => ipvs.apply(want));
    if (o.value.length !== n || o.value.some((c) => c.action !== 'update' || !c.destination)) throw new Error(`apply planned ${o.value.length} changes, not the ${n} weights`);
    changed.applied.push(o.seconds);
    changed.stall.push(o.stall);
    changed.gc.push(o.gc);
    await ipvs.apply(table); // back, for the next run
  }
  console.log(`apply() with 1% of destinations' weights changed (${(N * D) / every} updates, nothing else):`);
  row('ipvs apply()', median(changed.applied), `${(median(changed.applied) / ours).toFixed(3)} of creating the table`);
  console.log('event loop (monitorEventLoopDelay, ms; the longest GC pause in the same window beside it):');
  console.log(`  apply() creating the table: longest stall ${median(createStall.stall).toFixed(1)} ms (GC pause ${median(createStall.gc).toFixed(1)} ms)`);
  console.log(`  snapshot():                 longest stall ${median(snap.stall).toFixed(1)} ms (GC pause ${median(snap.gc).toFixed(1)} ms)`);
  console.log(`  apply() of a 1% change:     longest stall ${median(changed.stall).toFixed(1)} ms (GC pause ${median(changed.gc).toFixed(1)} ms)`);
  console.log(`memory: snapshot() adds ${median(snap.rss).toFixed(0)} MB to RSS (median; the snapshot still referenced)`);
  ipvs.close();
  await dropNamespace(ns);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
