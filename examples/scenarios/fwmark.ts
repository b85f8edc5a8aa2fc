/**
 * A firewall-mark service: the director marks the client's packets to VIP:80
 * and VIP:443 with mark 1 (tc here, see markPackets(); nftables or iptables
 * on a usual host), and one IPVS service for mark 1 balances both ports
 * together. With persistence, one template (protocol IP, the mark as its
 * virtual address) keeps a client on one real server for both ports
 * (persistent firewall-mark connection, PFWMC). Destination port 0 keeps
 * each packet's own port.
 *
 *   npm run scenario -- fwmark
 * @module
 */
import { CLIENT_SIDE, markPackets, openLab, tally, type Outcome, type Print } from './lab';

export interface FwmarkObserved {
  answers: string[];
  perServer: Record<string, number>;
  ports: number[];
  templates: string[];
}

const MARK = 1;

export async function fwmark(print: Print): Promise<Outcome<FwmarkObserved>> {
  const lab = await openLab(print);
  const { net, ipvs, checks } = lab;
  try {
    print(`Firewall mark ${MARK} for TCP to ${net.vip.v4} ports 80 and 443, set as packets arrive from the client:`);
    await lab.serve(80);
    await lab.serve(443);
    for (const port of [80, 443]) print(`  ${await markPackets(CLIENT_SIDE, net.vip.v4, port, MARK)}`);
    const service = { fwmark: MARK };
    await ipvs.addService({ ...service, scheduler: 'rr', persistence: { timeout: 60 } });
    for (const s of net.servers) await ipvs.addDestination(service, { address: s.v4, port: 0, forwarding: 'masq' });
    print(`IPVS: FWM ${MARK}, round robin, persistent 60 s -> ${net.servers.map((s) => `${s.v4}:0 (the packet's own port)`).join(', ')}`);

    const answers: string[] = [];
    const ports = [80, 443, 80, 443, 80, 443];
    for (const port of ports) {
      const [a] = await lab.get(1, port);
      answers.push(a!);
      print(`  request to ${net.vip.v4}:${port} -> "${a}"`);
    }
    const templates = (await ipvs.connections({ template: true })).filter((c) => c.fwmark === MARK).map((c) => `${c.protocol.toUpperCase()} ${c.clientAddress} -> FWM ${c.fwmark} -> ${c.destinationAddress} (${c.state}, ${c.expires} s left)`);
    print('  persistence templates:');
    for (const t of templates) print(`    ${t}`);

    const perServer = tally(answers);
    const first = answers[0]!.split(' ')[0];
    checks.check(Object.keys(perServer).length === 1, `one real server (${first}) answered all 6 requests on both ports, although the scheduler is round robin`);
    checks.check(answers.every((a, i) => a.endsWith(`:${ports[i]}`)), 'each request kept its port (80 or 443) on the way to the real server');
    checks.check(templates.length === 1 && templates[0]!.startsWith(`IP ${net.client.v4} -> FWM ${MARK} -> `), 'one persistence template for the client, for the mark, covering both ports');
    return { observed: { answers, perServer, ports, templates }, failures: checks.failures };
  } finally {
    await lab.close();
  }
}
