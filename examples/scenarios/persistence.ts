/**
 * Persistence: a client's connections go to one real server for as long as
 * a persistence template lives, whatever the scheduler says.
 * - per port (PPC): VIP:80 with persistence, round robin underneath;
 * - per client (PCC): a port-0 service, so every port of the VIP follows
 *   the same template;
 * - netmask grouping: with 255.255.255.0 two clients of one /24 share a
 *   template; with 255.255.255.255 they do not;
 * - expiry: a UDP service with a 2 s template: once it and its connections
 *   expire, the scheduler chooses again.
 * (Per firewall mark, PFWMC: `npm run scenario -- fwmark`.)
 *
 *   npm run scenario -- persistence
 * @module
 */
import { openLab, tally, type Outcome, type Print } from './lab';

export interface PersistenceObserved {
  perPort: string[];
  perClient: Array<{ port: number; answer: string }>;
  netmask24: Array<{ from: string; answer: string }>;
  netmask32: Array<{ from: string; answer: string }>;
  templates24: number;
  templates32: number;
  beforeExpiry: string[];
  afterExpiry: string;
}

const OTHER_CLIENT = '198.51.100.3';
const name = (answer: string) => answer.split(' ')[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function persistence(print: Print): Promise<Outcome<PersistenceObserved>> {
  const lab = await openLab(print, { clientAddresses: [OTHER_CLIENT] });
  const { net, ipvs, checks } = lab;
  const vip = net.vip.v4;
  const add = async (key: { protocol: 'tcp' | 'udp'; address: string; port: number }, timeout: number, netmask: string, port: number) => {
    await ipvs.addService({ ...key, scheduler: 'rr', persistence: { timeout, netmask } });
    for (const s of net.servers) await ipvs.addDestination(key, { address: s.v4, port, forwarding: 'masq' });
  };
  const saved = await ipvs.timeouts();
  try {
    await lab.serve(8090);
    await lab.serve(8091);

    print('Per port (PPC): TCP VIP:80, round robin, persistent 60 s');
    await add({ protocol: 'tcp', address: vip, port: 80 }, 60, '255.255.255.255', 8090);
    const perPort = await lab.get(4, 80);
    perPort.forEach((a) => print(`  ${net.client.v4} -> ${vip}:80 -> "${a}"`));
    checks.check(Object.keys(tally(perPort)).length === 1, `all 4 connections went to ${name(perPort[0]!)}`);

    print('Per client (PCC): TCP VIP:0 (every port), persistent 60 s, real servers on port 0 (the packet\'s own)');
    await add({ protocol: 'tcp', address: vip, port: 0 }, 60, '255.255.255.255', 0);
    const perClient: PersistenceObserved['perClient'] = [];
    for (const port of [8090, 8091, 8090, 8091]) {
      const [answer] = await lab.get(1, port);
      perClient.push({ port, answer: answer! });
      print(`  ${net.client.v4} -> ${vip}:${port} -> "${answer}"`);
    }
    checks.check(new Set(perClient.map((p) => name(p.answer))).size === 1, 'both ports went to one real server: one template for the client and the VIP');

    const grouped = async (port: number, netmask: string) => {
      print(`Netmask ${netmask}: TCP VIP:${port}, round robin, persistent 60 s; clients ${net.client.v4} and ${OTHER_CLIENT}`);
      await add({ protocol: 'tcp', address: vip, port }, 60, netmask, 8090);
      const seen: Array<{ from: string; answer: string }> = [];
      for (const from of [net.client.v4, OTHER_CLIENT, net.client.v4, OTHER_CLIENT]) {
        const [answer] = await lab.get(1, port, vip, from);
        seen.push({ from, answer: answer! });
        print(`  ${from} -> ${vip}:${port} -> "${answer}"`);
      }
      const templates = (await ipvs.connections({ service: { port }, destination: { port: 8090 }, template: true })).length;
      print(`  persistence templates: ${templates}`);
      return { seen, templates };
    };
    const g24 = await grouped(81, '255.255.255.0');
    checks.check(new Set(g24.seen.map((s) => name(s.answer))).size === 1 && g24.templates === 1, 'netmask /24: both clients share one template and one real server');
    const g32 = await grouped(82, '255.255.255.255');
    const by = (from: string) => new Set(g32.seen.filter((s) => s.from === from).map((s) => name(s.answer)));
    checks.check(
      by(net.client.v4).size === 1 && by(OTHER_CLIENT).size === 1 && [...by(net.client.v4)][0] !== [...by(OTHER_CLIENT)][0] && g32.templates === 2,
      'netmask /32: a template per client; round robin gave them different real servers, each kept its own',
    );

    print('Expiry: UDP VIP:53, round robin, persistent 2 s, UDP connections time out after 1 s');
    await ipvs.setTimeouts({ udp: 1 });
    const dns = { protocol: 'udp' as const, address: vip, port: 53 };
    await add(dns, 2, '255.255.255.255', 8090);
    const beforeExpiry = await net.udpRequest(3);
    beforeExpiry.forEach((a) => print(`  datagram -> "${a}"`));
    let left = -1;
    for (let i = 0; i < 60 && left !== 0; i++) {
      await sleep(250);
      // This service's entries only (its real servers are on 8090; other UDP :53 entries may linger).
      left = (await ipvs.connections({ service: { protocol: 'udp', port: 53 }, destination: { port: 8090 } })).length;
    }
    print(`  after ${left === 0 ? 'the template and its connections expired' : 'waiting 15 s (entries still there)'}:`);
    const [afterExpiry] = await net.udpRequest(1);
    print(`  datagram -> "${afterExpiry}"`);
    checks.check(new Set(beforeExpiry.map(name)).size === 1, `while the template lived, every datagram went to ${name(beforeExpiry[0]!)}`);
    checks.check(left === 0 && name(afterExpiry!) !== name(beforeExpiry[0]!), 'once it expired, round robin chose again: the next real server');
    return {
      observed: { perPort, perClient, netmask24: g24.seen, netmask32: g32.seen, templates24: g24.templates, templates32: g32.templates, beforeExpiry, afterExpiry: afterExpiry! },
      failures: checks.failures,
    };
  } finally {
    await ipvs.setTimeouts(saved).catch(() => undefined);
    await lab.close();
  }
}
