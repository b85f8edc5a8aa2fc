// Real HTTP traffic through a NAT service made with ipvs, across network
// namespaces inside the test kernel: round robin observed, and 64-bit stats
// that become non-zero and agree with ipvsadm's exact counters.
import { expect, it } from 'vitest';
import type { Stats } from '../../lib/index';
import { ipvsadm, until, useNatTopology } from './helpers';

const ctx = useNatTopology();

it('balances round robin over NAT and counts it (IPv4)', async () => {
  const { t, ipvs } = ctx;
  const key = { protocol: 'tcp', address: t.vip.v4, port: 80 } as const;
  await ipvs.addService({ ...key, scheduler: 'rr' });
  for (const s of t.servers) await ipvs.addDestination(key, { address: s.v4, port: s.port, forwarding: 'masq' });
  // A destination re-added to the same VIP:port while the kernel still holds the old one
  // in its trash (another file's connections to it are in TIME_WAIT) comes back with its
  // old counters: count from zero.
  await ipvs.zero(key);

  const bodies = await t.request(6);
  expect(bodies.filter((b) => b === 'rs1')).toHaveLength(3);
  expect(bodies.filter((b) => b === 'rs2')).toHaveLength(3);
  for (let i = 1; i < bodies.length; i++) expect(bodies[i]).not.toBe(bodies[i - 1]);

  // The estimator folds per-CPU counters in every ~2 s: poll, bounded.
  const svc = await until(async () => {
    const s = await ipvs.service(key);
    return s.stats.connections === 6n && s.stats.outBytes > 0n ? s : undefined;
  }, 'service counters');
  expect(typeof svc.stats.inBytes).toBe('bigint');
  expect(svc.stats.inPackets).toBeGreaterThan(6n);
  expectMatchesIpvsadm(svc.stats, `TCP  ${t.vip.v4}:80`);

  const dests = await ipvs.destinations(key);
  expect(dests.map((d) => d.stats.connections).sort()).toEqual([3n, 3n]);
  // Each client connection closed: counted inactive (TIME_WAIT/FIN) until it expires.
  expect(dests.reduce((n, d) => n + d.activeConnections + d.inactiveConnections, 0)).toBeGreaterThan(0);
  for (const d of dests) expectMatchesIpvsadm(d.stats, `  -> ${d.address}:${d.port}`);

  await ipvs.zero(key);
  const zeroed = await ipvs.service(key);
  expect(zeroed.stats.connections).toBe(0n);
  expect(zeroed.stats.inBytes).toBe(0n);
});

it('balances over IPv6 and zero() clears everything', async () => {
  const { t, ipvs } = ctx;
  const key = { protocol: 'tcp', address: t.vip.v6, port: 80 } as const;
  await ipvs.addService({ ...key, scheduler: 'rr' });
  for (const s of t.servers) await ipvs.addDestination(key, { address: s.v6, port: s.port });
  const bodies = await t.request(4, t.vip.v6);
  expect([...bodies].sort()).toEqual(['rs1', 'rs1', 'rs2', 'rs2']);
  const svc = await until(async () => {
    const s = await ipvs.service(key);
    return s.stats.connections === 4n && s.stats.outBytes > 0n ? s : undefined;
  }, 'IPv6 service counters');
  expectMatchesIpvsadm(svc.stats, `TCP  [${t.vip.v6}]:80`);
  await ipvs.zero();
  expect((await ipvs.services()).every((s) => s.stats.connections === 0n && s.stats.inBytes === 0n)).toBe(true);
});

/** ipvsadm -Ln --stats --exact ends each line with Conns InPkts OutPkts InBytes OutBytes. */
function expectMatchesIpvsadm(stats: Stats, name: string) {
  const line = ipvsadm('-Ln', '--stats', '--exact').split('\n').find((l) => l.startsWith(name));
  expect(line, name).toBeDefined();
  // Counters can move between the two reads only if traffic flows; it has stopped.
  expect(line!.trim().split(/\s+/).slice(-5).map(BigInt)).toEqual([stats.connections, stats.inPackets, stats.outPackets, stats.inBytes, stats.outBytes]);
}
