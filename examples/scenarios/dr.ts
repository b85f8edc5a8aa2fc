/**
 * LVS-DR (direct routing): the director only changes the frame's MAC
 * address; the real servers own the VIP themselves, on a loopback
 * interface they do not answer ARP for (arp_ignore=1, arp_announce=2), so
 * they accept packets to the VIP and reply to the client straight from it.
 * Replies never pass through IPVS: only incoming packets are counted.
 *
 *   npm run scenario -- dr
 * @module
 */
import { CLIENT_ON_SERVER_LAN, inNs, openLab, tally, type Outcome, type Print } from './lab';

export interface DrObserved {
  answers: string[];
  perServer: Record<string, number>;
  arp: string[];
  inPackets: bigint;
  outPackets: bigint;
}

export async function dr(print: Print): Promise<Outcome<DrObserved>> {
  // Replies take the servers' own way back (the client's leg on their segment), not the director.
  const lab = await openLab(print, { directRouting: true, directReturn: true });
  const { net, ipvs, checks } = lab;
  try {
    await lab.serve(8090);
    const vip = { protocol: 'tcp' as const, address: net.vip.v4, port: 8090 };
    print(`LVS-DR: client ${net.client.v4} -> VIP ${vip.address}:8090 -> real servers ${net.servers.map((s) => s.v4).join(', ')}, which own the VIP on lo`);
    print(`  replies: real server -> ${CLIENT_ON_SERVER_LAN} (the client's leg on the servers' segment), never through the director`);
    const arp: string[] = [];
    for (const s of net.servers) {
      const sysctls = (await inNs(s.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.all.arp_announce')).trim().split('\n');
      const lo = (await inNs(s.ns, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'lo')).includes(`${vip.address}/32`);
      arp.push(`${s.name}: arp_ignore=${sysctls[0]} arp_announce=${sysctls[1]} VIP on lo: ${lo}`);
      print(`  ${arp[arp.length - 1]}`);
    }
    await ipvs.addService({ ...vip, scheduler: 'rr' });
    for (const s of net.servers) await ipvs.addDestination(vip, { address: s.v4, port: 8090, forwarding: 'route' });

    const answers = await lab.get(4, 8090);
    answers.forEach((a, i) => print(`  request ${i + 1} to ${vip.address}:8090 -> "${a}"`));
    const stats = await lab.stats(vip, 4);
    print(`  service stats: ${stats.connections} connections, ${stats.inPackets} packets in, ${stats.outPackets} packets out`);

    const perServer = tally(answers);
    checks.check(net.servers.every((s) => perServer[s.name] === 2), `round robin: each real server answered 2 of 4 (${JSON.stringify(perServer)})`);
    checks.check(answers.every((a) => a.endsWith(`saw ${net.client.v4} -> ${vip.address}:8090`)), 'the real servers received the packets unchanged: from the client, to the VIP itself');
    checks.check(arp.every((a) => a.endsWith('arp_ignore=1 arp_announce=2 VIP on lo: true')), 'each real server holds the VIP without answering ARP for it');
    checks.check(stats.inPackets > 0n && stats.outPackets === 0n, 'replies went straight to the client: IPVS counted packets in, none out');
    return { observed: { answers, perServer, arp, inPackets: stats.inPackets, outPackets: stats.outPackets }, failures: checks.failures };
  } finally {
    await lab.close();
  }
}
