/**
 * LVS-NAT: the client talks to the virtual IP; the director rewrites the
 * destination to a real server on the private side and, because the real
 * servers route back through it, rewrites the replies' source back to the
 * VIP. Real servers see the client's own address and their own as the
 * destination; the client only ever sees the VIP. Both directions pass
 * through IPVS, so both packet counters grow.
 * (FULLNAT, which also rewrites the source, is not in the mainline kernel:
 * see the README.)
 *
 *   npm run scenario -- nat
 * @module
 */
import { openLab, tally, type Outcome, type Print } from './lab';

export interface NatObserved {
  answers: string[];
  perServer: Record<string, number>;
  connections: string[];
  inPackets: bigint;
  outPackets: bigint;
}

export async function nat(print: Print): Promise<Outcome<NatObserved>> {
  const lab = await openLab(print);
  const { net, ipvs, checks } = lab;
  try {
    await lab.serve(8090);
    const vip = { protocol: 'tcp' as const, address: net.vip.v4, port: 80 };
    print(`LVS-NAT: client ${net.client.v4} -> VIP ${vip.address}:80 -> real servers ${net.servers.map((s) => `${s.v4}:8090`).join(', ')} (masquerading), round robin`);
    await ipvs.addService({ ...vip, scheduler: 'rr' });
    for (const s of net.servers) await ipvs.addDestination(vip, { address: s.v4, port: 8090, forwarding: 'masq' });

    const answers = await lab.get(4, 80);
    answers.forEach((a, i) => print(`  request ${i + 1} to ${vip.address}:80 -> "${a}"`));
    // This scenario's own entries (its real servers listen on 8090): others' may still be in the table.
    const rows = (await ipvs.connections({ service: { address: vip.address, port: 80 }, destination: { port: 8090 } })).map(
      (c) => `${c.protocol.toUpperCase()} ${c.clientAddress}:${c.clientPort} -> ${c.virtualAddress}:${c.virtualPort} -> ${c.destinationAddress}:${c.destinationPort} ${c.state}`,
    );
    print('  connection table (client -> virtual -> real):');
    for (const r of rows) print(`    ${r}`);
    const stats = await lab.stats(vip, 4);
    print(`  service stats: ${stats.connections} connections, ${stats.inPackets} packets in, ${stats.outPackets} packets out, ${stats.inBytes} bytes in, ${stats.outBytes} bytes out`);

    const perServer = tally(answers);
    checks.check(net.servers.every((s) => perServer[s.name] === 2), `round robin: each real server answered 2 of 4 (${JSON.stringify(perServer)})`);
    checks.check(answers.every((a) => a.includes(`saw ${net.client.v4} -> `)), `the real servers saw the client's own address ${net.client.v4} (the source is not rewritten)`);
    const ownAddress = (a: string) => net.servers.some((s) => a.startsWith(`${s.name} `) && a.endsWith(`-> ${s.v4}:8090`));
    checks.check(answers.every(ownAddress), 'and their own address and port as the destination (the director rewrote VIP:80 to it)');
    checks.check(rows.length === 4 && rows.every((r) => r.includes(`-> ${vip.address}:80 -> 203.0.113.`)), 'the connection table maps each client connection to VIP:80 and then to a real server');
    checks.check(stats.inPackets > 0n && stats.outPackets > 0n, 'replies passed back through the director: packets counted in both directions');

    return { observed: { answers, perServer, connections: rows, inPackets: stats.inPackets, outPackets: stats.outPackets }, failures: checks.failures };
  } finally {
    await lab.close();
  }
}
