// ipvs/prometheus against node_exporter (Debian's prometheus-node-exporter)
// on the same kernel state: services of every kind node_exporter reads
// (TCP, UDP, IPv6, IPv4-mapped and IPv4-embedded IPv6, fwmark in both
// families, a 32-bit mark, persistence, tunnels, weight 0, a service without
// destinations), real traffic through NAT and a connection held open. Every
// node_ipvs_* series and its HELP and TYPE must be equal, both ways, read at
// a moment both exporters agree on (the estimator updates counters every 2 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ipvs } from '../../../lib/index';
import { IpvsCollector } from '../../../lib/prometheus/index';
import { useNatTopology } from '../helpers';
import { get, only, parseExposition, sorted, startIpvsExporter, startNodeExporter, type Exposition, type Running } from './exporters';

const env = useNatTopology();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = (e: Exposition) => only(e, 'node_ipvs_');
const same = (a: Exposition, b: Exposition) => JSON.stringify(sorted(a.samples)) === JSON.stringify(sorted(b.samples));

async function buildTable(ipvs: Ipvs): Promise<void> {
  const { vip, servers } = env.t;
  const [rs1, rs2] = servers as [(typeof servers)[0], (typeof servers)[0]];
  const tcp = { protocol: 'tcp' as const, address: vip.v4, port: 80 };
  await ipvs.addService({ ...tcp, scheduler: 'rr' });
  await ipvs.addDestination(tcp, { address: rs1.v4, port: 8080, weight: 1 });
  await ipvs.addDestination(tcp, { address: rs2.v4, port: 8080, weight: 2 });
  const udp = { protocol: 'udp' as const, address: vip.v4, port: 53 };
  await ipvs.addService({ ...udp, scheduler: 'rr' });
  for (const s of [rs1, rs2]) await ipvs.addDestination(udp, { address: s.v4, port: 8080 });
  const tcp6 = { protocol: 'tcp' as const, address: vip.v6, port: 80 };
  await ipvs.addService({ ...tcp6, scheduler: 'rr' });
  for (const s of [rs1, rs2]) await ipvs.addDestination(tcp6, { address: s.v6, port: 8080, weight: 4 });
  // The same mark in both families: one local_mark, told apart by remote_address.
  await ipvs.addService({ fwmark: 1 });
  await ipvs.addDestination({ fwmark: 1 }, { address: rs1.v4, port: 8080, weight: 5 });
  await ipvs.addService({ fwmark: 1, family: 'inet6' });
  await ipvs.addDestination({ fwmark: 1, family: 'inet6' }, { address: rs1.v6, port: 8080, weight: 7 });
  await ipvs.addService({ fwmark: 0x10001000 });
  await ipvs.addDestination({ fwmark: 0x10001000 }, { address: rs2.v4, port: 0, forwarding: 'route', weight: 0 });
  const persistent = { protocol: 'tcp' as const, address: vip.v4, port: 443 };
  await ipvs.addService({ ...persistent, persistence: { timeout: 300, netmask: 24 } });
  await ipvs.addDestination(persistent, { address: rs1.v4, port: 8443, forwarding: 'tunnel', upperThreshold: 100 });
  await ipvs.addDestination(persistent, { address: rs2.v4, port: 8443 });
  // Go prints an IPv4-mapped address as IPv4, other embedded forms in hex.
  const mapped = { protocol: 'tcp' as const, address: '::ffff:198.51.100.9', port: 80 };
  await ipvs.addService(mapped);
  await ipvs.addDestination(mapped, { address: rs2.v6, port: 8080 });
  const embedded = { protocol: 'udp' as const, address: '::198.51.100.8', port: 8080 };
  await ipvs.addService(embedded);
  await ipvs.addDestination(embedded, { address: '::203.0.113.9', port: 80 });
  await ipvs.addService({ protocol: 'udp', address: vip.v4, port: 5353 }); // no destinations: no series
}

/** A TCP connection from the client to the VIP, left open (ActiveConn 1 on one real server). */
function holdConnection(): Promise<ChildProcess> {
  const js = `require('net').connect(80, '${env.t.vip.v4}', () => console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', env.t.client.ns, process.execPath, '-e', js], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res, rej) => {
    child.stdout!.once('data', () => res(child));
    child.once('exit', (code) => rej(new Error(`held connection ended (${code})`)));
  });
}

/** node_exporter, ours, node_exporter again until the three agree (at most 20 tries); returns the last pair. */
async function agreeing(nodeUrl: string, ours: () => Promise<string>, keep = (_key: string) => true): Promise<[Exposition, Exposition]> {
  const read = (text: string) => {
    const e = node(parseExposition(text));
    return { ...e, samples: new Map([...e.samples].filter(([k]) => keep(k))) };
  };
  let pair: [Exposition, Exposition] | undefined;
  for (let i = 0; i < 20; i++) {
    const before = read((await get(nodeUrl)).text);
    const mine = read(await ours());
    const after = read((await get(nodeUrl)).text);
    pair = [after, mine];
    if (same(before, after) && same(before, mine)) break;
    await sleep(300);
  }
  return pair!;
}

function expectEqual([theirs, mine]: [Exposition, Exposition]): void {
  expect(sorted(mine.samples)).toEqual(sorted(theirs.samples));
  expect(sorted(mine.meta)).toEqual(sorted(theirs.meta));
}

describe('node_exporter compatibility', () => {
  let held: ChildProcess | undefined;
  const running: Running[] = [];
  const start = async <T extends Running>(p: Promise<T>) => {
    const r = await p;
    running.push(r);
    return r;
  };

  beforeAll(async () => {
    await buildTable(env.ipvs);
    await env.t.request(6);
    await env.t.request(4, env.t.vip.v6);
    await env.t.udpRequest(4);
    held = await holdConnection();
    // The estimator folds the traffic into the global counters within a few seconds.
    for (let i = 0; i < 40 && (await env.ipvs.globalStats()).connections < 15n; i++) await sleep(250);
  }, 120_000);

  afterAll(async () => {
    held?.kill();
    for (const r of running) await r.stop();
  });

  it('the exporter emits every node_ipvs_* series of node_exporter, with equal labels and values, and no other', async () => {
    const theirs = await start(startNodeExporter());
    const ours = await start(startIpvsExporter());
    const pair = await agreeing(theirs.url, async () => (await get(ours.url)).text);
    expectEqual(pair);
    // The table did exercise what it is meant to.
    const keys = [...pair[0].samples.keys()].filter((k) => k.startsWith('node_ipvs_backend_weight'));
    expect(keys).toHaveLength(13);
    expect(keys.join('\n')).toContain('local_address="198.51.100.9"'); // IPv4-mapped
    expect(keys.join('\n')).toContain('local_address="::c633:6408"'); // ::198.51.100.8
    expect(keys.join('\n')).toContain('local_mark="10001000"');
    const value = (name: string) => [...pair[0].samples].filter(([k]) => k.startsWith(name)).reduce((a, [, v]) => a + v, 0);
    expect(value('node_ipvs_connections_total')).toBeGreaterThanOrEqual(15);
    expect(value('node_ipvs_incoming_bytes_total')).toBeGreaterThan(0);
    expect(value('node_ipvs_backend_connections_active')).toBe(1);
    expect(value('node_ipvs_backend_connections_inactive')).toBeGreaterThan(0);
  });

  it.each([[''], ['local_port'], ['local_address,local_port'], ['proto,local_mark'], ['remote_port,remote_address,remote_port']])(
    'backend labels "%s": the same sums as node_exporter --collector.ipvs.backend-labels',
    async (labels) => {
      const theirs = await start(startNodeExporter([`--collector.ipvs.backend-labels=${labels}`]));
      const ours = await start(startIpvsExporter([`--backend-labels=${labels}`]));
      expectEqual(await agreeing(theirs.url, async () => (await get(ours.url)).text));
    },
  );

  it('through a prom-client Registry: the same series (text and OpenMetrics)', async () => {
    const theirs = await start(startNodeExporter());
    const registry = new Registry();
    const collector = new IpvsCollector({ ipvs: env.ipvs });
    collector.register(registry);
    try {
      expectEqual(await agreeing(theirs.url, () => registry.metrics()));
      const open = new Registry<OpenMetricsContentType>();
      open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      collector.register(open);
      const [theirsNow, om] = await agreeing(theirs.url, () => open.metrics());
      expect(sorted(om.samples)).toEqual(sorted(theirsNow.samples));
      // OpenMetrics: counter families are named without _total, their samples with it.
      expect(om.meta.get('node_ipvs_connections')).toEqual({ help: 'The total number of connections made.', type: 'counter' });
      expect((await open.metrics()).endsWith('# EOF\n')).toBe(true);
    } finally {
      collector.close();
    }
    expect(await registry.metrics()).toBe('\n'); // close() unregistered everything
  });

  it('SCTP: node_exporter counts an SCTP real server under the service listed before it; ours says SCTP', async () => {
    const sctp = { protocol: 'sctp' as const, address: env.t.vip.v4, port: 9999 };
    await env.ipvs.addService(sctp);
    await env.ipvs.addDestination(sctp, { address: '203.0.113.77', port: 9999 });
    try {
      const theirs = await start(startNodeExporter());
      const ours = await start(startIpvsExporter());
      const sctpRow = (k: string) => k.includes('remote_address="203.0.113.77"');
      const sctpRows = (e: Exposition) => [...e.samples.keys()].filter(sctpRow);
      const full = async (url: string) => node(parseExposition((await get(url)).text));
      // Everything else is equal.
      expectEqual(await agreeing(theirs.url, async () => (await get(ours.url)).text, (k) => !sctpRow(k)));
      const [n, o] = [await full(theirs.url), await full(ours.url)];
      expect(sctpRows(o).every((k) => k.includes('proto="SCTP"') && k.includes('local_address="198.51.100.1"') && k.includes('local_port="9999"'))).toBe(true);
      expect(sctpRows(o)).toHaveLength(3);
      expect(sctpRows(n)).toHaveLength(3);
      expect(sctpRows(n).some((k) => k.includes('proto="SCTP"'))).toBe(false);
    } finally {
      await env.ipvs.deleteService(sctp);
    }
  });
});
