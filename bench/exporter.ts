// ipvs-exporter against node_exporter (issue 8): scraping 10,000 TCP
// services x 4 masq destinations over HTTP, both exporters as processes in
// one fresh namespace, listening on its end of a veth pair, in one boot of
// the test kernel. Plain text and gzip (as Prometheus asks), then ours with
// extras (node_exporter has no equivalent). Prints medians and ratios; the
// kernel suite asserts the default scrape is not slower
// (test/kernel/exporter/scale.test.ts).
//
//   npm run build && npm run bench:exporter
//   node test/harness/run.mjs exec -- node node_modules/tsx/dist/cli.mjs bench/exporter.ts [services] [destinations] [runs]
import { Ipvs } from '../lib/index';
import { connectNamespace, createNamespace, sh } from '../test/harness/topology';
import { get, median, startIpvsExporter, startNodeExporter, type Running } from '../test/kernel/exporter/exporters';
import { desiredTable } from './table';

const [servicesArg, destinationsArg, runsArg] = process.argv.slice(2);
const N = Number(servicesArg ?? 10000);
const D = Number(destinationsArg ?? 4);
const RUNS = Number(runsArg ?? 3);
const NS = 'ipvs-bench-exporter';
const PLACE = { ns: NS, host: '192.0.2.2' };

async function time(r: Running, gzip: boolean): Promise<{ seconds: number; bytes: number }> {
  const s = await get(r.url, { gzip });
  return { seconds: s.seconds, bytes: s.text.length };
}

(async () => {
  await createNamespace(NS);
  await connectNamespace(NS, { hostIf: 'ipvs-bexp0', hostAddrs: ['192.0.2.1/24'], nsAddrs: ['192.0.2.2/24'] });
  const ipvs = await Ipvs.open({ netns: `/run/netns/${NS}` });
  await ipvs.apply(desiredTable(N, D));
  ipvs.close();
  const node = await startNodeExporter([], PLACE);
  const ours = await startIpvsExporter([], PLACE);
  const extras = await startIpvsExporter(['--extras=services'], PLACE);
  console.log(`table: ${N} TCP services x ${D} masq destinations; scrape over HTTP, median of ${RUNS}, one boot`);
  for (const gzip of [false, true]) {
    const t = { node: [] as number[], ours: [] as number[] };
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      t.node.push((await time(node, gzip)).seconds);
      const o = await time(ours, gzip);
      t.ours.push(o.seconds);
      bytes = o.bytes;
    }
    const [n, o] = [median(t.node), median(t.ours)];
    console.log(`${gzip ? 'gzip' : 'plain'} (${(bytes / 1e6).toFixed(1)} MB of text): node_exporter ${n.toFixed(3)} s, ipvs-exporter ${o.toFixed(3)} s, node_exporter/ipvs-exporter ${(n / o).toFixed(1)}x`);
  }
  const x: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await time(extras, true);
    x.push(r.seconds);
    bytes = r.bytes;
  }
  console.log(`ipvs-exporter --extras=services, gzip (${(bytes / 1e6).toFixed(1)} MB of text): ${median(x).toFixed(3)} s`);
  for (const r of [node, ours, extras]) await r.stop();
  await sh('ip', 'netns', 'del', NS);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
