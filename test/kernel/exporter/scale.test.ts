// A scrape of 10,000 services x 4 destinations: node_exporter (its ipvs
// collector alone) against ipvs-exporter (defaults: the same node_ipvs_*
// series), both as processes in one fresh namespace, in the same boot,
// scraped alternately over HTTP, median of 3. Ours must not be slower; the
// ratio is printed (`npm run bench:exporter` gives more variants).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { desiredTable } from '../../../bench/table';
import { Ipvs } from '../../../lib/index';
import { connectNamespace, createNamespace, sh } from '../../harness/topology';
import { get, median, only, parseExposition, sorted, startIpvsExporter, startNodeExporter, type Running } from './exporters';

const NS = 'ipvs-exporter-scale';
// Both exporters run in the namespace and listen on its end of a veth pair.
const PLACE = { ns: NS, host: '192.0.2.2' };
const SERVICES = 10_000;
const DESTINATIONS = 4;

const running: Running[] = [];

beforeAll(async () => {
  await createNamespace(NS);
  await connectNamespace(NS, { hostIf: 'ipvs-exp0', hostAddrs: ['192.0.2.1/24'], nsAddrs: ['192.0.2.2/24'] });
  const ipvs = await Ipvs.open({ netns: `/run/netns/${NS}` });
  try {
    await ipvs.apply(desiredTable(SERVICES, DESTINATIONS));
  } finally {
    ipvs.close();
  }
}, 300_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  await sh('ip', 'netns', 'del', NS);
});

it(`a scrape of ${SERVICES} services x ${DESTINATIONS} destinations is not slower than node_exporter's`, async () => {
  const theirs = await startNodeExporter([], PLACE);
  running.push(theirs);
  const ours = await startIpvsExporter([], PLACE);
  running.push(ours);
  // Same series first (a fast wrong answer would not count).
  const a = only(parseExposition((await get(theirs.url)).text), 'node_ipvs_');
  const b = only(parseExposition((await get(ours.url)).text), 'node_ipvs_');
  expect(a.samples.size).toBe(5 + 3 * SERVICES * DESTINATIONS);
  expect(sorted(b.samples)).toEqual(sorted(a.samples));
  const times = { node: [] as number[], ours: [] as number[] };
  for (let i = 0; i < 3; i++) {
    times.node.push((await get(theirs.url)).seconds);
    times.ours.push((await get(ours.url)).seconds);
  }
  const [n, o] = [median(times.node), median(times.ours)];
  console.log(`scrape of ${SERVICES}x${DESTINATIONS}: node_exporter ${n.toFixed(3)} s, ipvs-exporter ${o.toFixed(3)} s, node_exporter/ipvs-exporter ${(n / o).toFixed(1)}x`);
  expect(o).toBeLessThan(n);
}, 600_000);
