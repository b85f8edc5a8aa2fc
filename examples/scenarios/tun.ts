/**
 * LVS-TUN: the director wraps each packet for the VIP in a tunnel to a real
 * server, which unwraps it, finds the VIP on its own loopback and replies to
 * the client directly (like DR, but the servers may be anywhere routable).
 * Three encapsulations: IPIP (tunl0), GUE (UDP port 6080, the fou module,
 * then tunl0) and GRE (gre0). Replies bypass IPVS.
 *
 *   npm run scenario -- tun
 * @module
 */
import type { TunnelType } from '../../lib/index';
import { inNs, openLab, sh, tally, type Outcome, type Print } from './lab';

export interface TunnelObserved {
  type: TunnelType;
  port: number;
  answers: string[];
  perServer: Record<string, number>;
  /** Packets each real server's tunnel device received during the requests. */
  decapsulated: Record<string, number>;
  outPackets: bigint;
}

const GUE_PORT = 6080;
const TUNNELS: ReadonlyArray<{ type: TunnelType; port: number; device: string }> = [
  { type: 'ipip', port: 8090, device: 'tunl0' },
  { type: 'gue', port: 8091, device: 'tunl0' },
  { type: 'gre', port: 8092, device: 'gre0' },
];

async function rxPackets(ns: string, device: string): Promise<number> {
  const out = await inNs(ns, 'ip', '-s', '-o', 'link', 'show', device);
  const m = /RX:\s+bytes\s+packets.*?\\\s+(\d+)\s+(\d+)/.exec(out);
  return m ? Number(m[2]) : NaN;
}

export async function tun(print: Print): Promise<Outcome<TunnelObserved[]>> {
  // The VIP on each server's lo, not answered for by ARP: as for DR.
  const lab = await openLab(print, { directRouting: true, directReturn: true });
  const { net, ipvs, checks } = lab;
  try {
    for (const m of ['ipip', 'fou', 'ip_gre']) await sh('modprobe', m);
    for (const s of net.servers) {
      // The unwrapped packet arrives on the tunnel device while replies leave by eth0: no reverse-path filter.
      for (const d of ['tunl0', 'gre0']) await inNs(s.ns, 'ip', 'link', 'set', d, 'up');
      await inNs(s.ns, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.tunl0.rp_filter=0', 'net.ipv4.conf.gre0.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
      await inNs(s.ns, 'ip', 'fou', 'add', 'port', String(GUE_PORT), 'gue');
    }
    const observed: TunnelObserved[] = [];
    for (const t of TUNNELS) {
      await lab.serve(t.port);
      const vip = { protocol: 'tcp' as const, address: net.vip.v4, port: t.port };
      await ipvs.addService({ ...vip, scheduler: 'rr' });
      const tunnel = t.type === 'gue' ? { type: t.type, port: GUE_PORT } : { type: t.type };
      for (const s of net.servers) await ipvs.addDestination(vip, { address: s.v4, port: t.port, forwarding: 'tunnel', tunnel });
      print(`LVS-TUN over ${t.type.toUpperCase()}${t.type === 'gue' ? ` (UDP ${GUE_PORT})` : ''}: VIP ${vip.address}:${t.port} -> ${net.servers.map((s) => s.v4).join(', ')}`);
      const before = await Promise.all(net.servers.map((s) => rxPackets(s.ns, t.device)));
      const answers = await lab.get(4, t.port);
      const after = await Promise.all(net.servers.map((s) => rxPackets(s.ns, t.device)));
      answers.forEach((a, i) => print(`  request ${i + 1} -> "${a}"`));
      const decapsulated = Object.fromEntries(net.servers.map((s, i) => [s.name, after[i]! - before[i]!]));
      print(`  packets unwrapped by ${t.device}: ${JSON.stringify(decapsulated)}`);
      const stats = await lab.stats(vip, 4);
      print(`  service stats: ${stats.inPackets} packets in, ${stats.outPackets} out`);
      const perServer = tally(answers);
      checks.check(net.servers.every((s) => perServer[s.name] === 2), `${t.type}: each real server answered 2 of 4 (${JSON.stringify(perServer)})`);
      checks.check(answers.every((a) => a.endsWith(`saw ${net.client.v4} -> ${vip.address}:${t.port}`)), `${t.type}: the unwrapped packets are the client's, to the VIP`);
      checks.check(Object.values(decapsulated).every((n) => n > 0), `${t.type}: every real server's ${t.device} received tunnelled packets`);
      checks.check(stats.outPackets === 0n, `${t.type}: replies went straight to the client (no packets out through IPVS)`);
      observed.push({ type: t.type, port: t.port, answers, perServer, decapsulated, outPackets: stats.outPackets });
    }
    return { observed, failures: checks.failures };
  } finally {
    await lab.close();
  }
}
