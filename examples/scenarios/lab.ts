/**
 * What every scenario shares: the network (a client, this namespace as the
 * director, real servers in their own namespaces: test/harness/topology.ts),
 * an Ipvs handle, requests from the client, and a checklist that prints what
 * was observed and decides the exit status.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Ipvs, type ServiceKey, type Stats } from '../../lib/index';
import { httpRequests, natTopology, nsExec, sh, startHttpServer, type HttpServer, type NatTopology } from '../../test/harness/topology';

export type Print = (line: string) => void;

/** Prints each check as it is made; `failures` decides the exit status. */
export class Checklist {
  readonly failures: string[] = [];
  constructor(private readonly print: Print) {}

  check(ok: boolean, what: string): boolean {
    this.print(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) this.failures.push(what);
    return ok;
  }
}

/** What a scenario returns: what it saw, and which expectations failed (none: exit 0). */
export interface Outcome<T> {
  observed: T;
  failures: string[];
}

export interface Lab {
  net: NatTopology;
  ipvs: Ipvs;
  print: Print;
  checks: Checklist;
  /** `count` sequential HTTP requests from the client (a new connection each), from `from` when given. */
  get(count: number, port: number, host?: string, from?: string): Promise<string[]>;
  /** `count` TCP connections from the client, opened one after another and held open until `close()`. */
  hold(count: number, port: number, host?: string): Promise<{ close(): Promise<void> }>;
  /**
   * An HTTP (and UDP) server on `port` in every real server, answering
   * "<name> saw <from> -> <to>": the addresses as the server saw them.
   */
  serve(port: number): Promise<void>;
  /** A service's statistics once the kernel's estimator has counted `connections` (it runs every 2 s). */
  stats(key: ServiceKey, connections: number): Promise<Stats>;
  close(): Promise<void>;
}

export interface LabOptions {
  servers?: number;
  directRouting?: boolean;
  /** Extra addresses of the client (other clients on its subnet), e.g. ['198.51.100.3']. */
  clientAddresses?: string[];
  /**
   * Give the real servers a way back to the client that bypasses the
   * director (as the LAN's router would in DR and TUN setups): the client
   * also joins the servers' segment, and the servers route replies to it
   * there. Without it, replies still cross the director (IPVS sees them).
   */
  directReturn?: boolean;
}

/** The client's address on the real servers' segment (directReturn). */
export const CLIENT_ON_SERVER_LAN = '203.0.113.100';

/**
 * Marks the TCP packets arriving on `dev` for `dst` (an address or prefix)
 * and `port` with firewall mark `mark`, for fwmark services. With tc (flower
 * match, skbedit action) rather than nftables or iptables: the test kernel
 * (Debian's UML) has neither nf_tables' ip family nor ip_tables. On a usual
 * host, `nft add rule ip t pre ip daddr <dst> tcp dport <port> meta mark set <mark>`
 * in a prerouting chain does the same. Returns the command, for printing.
 */
export async function markPackets(dev: string, dst: string, port: number, mark: number): Promise<string> {
  await sh('tc', 'qdisc', 'add', 'dev', dev, 'clsact').catch(() => undefined); // once per device
  const args = ['filter', 'add', 'dev', dev, 'ingress', 'protocol', 'ip', 'flower', 'ip_proto', 'tcp', 'dst_ip', dst, 'dst_port', String(port), 'action', 'skbedit', 'mark', String(mark)];
  await sh('tc', ...args);
  return `tc ${args.join(' ')}`;
}

/** The director's interface towards the client (natTopology's `${prefix}c`). */
export const CLIENT_SIDE = 'lvs-c';

/** Builds the network and opens a handle; `close()` removes both. */
export async function openLab(print: Print, { servers = 2, directRouting = false, clientAddresses = [], directReturn = false }: LabOptions = {}): Promise<Lab> {
  const net = await natTopology({ servers, prefix: 'lvs-', directRouting });
  if (directReturn) {
    const c = net.client.ns;
    await sh('ip', 'link', 'add', 'lvs-cr', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', c);
    await sh('ip', 'link', 'set', 'lvs-cr', 'master', 'lvs-br0', 'up');
    await sh('ip', '-n', c, 'addr', 'add', `${CLIENT_ON_SERVER_LAN}/24`, 'dev', 'eth1');
    await sh('ip', '-n', c, 'link', 'set', 'eth1', 'up');
    // Replies from the VIP arrive on eth1 while the VIP is routed via eth0: no reverse-path filter.
    await nsExec(c, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.eth1.rp_filter=0', 'net.ipv4.conf.eth0.rp_filter=0');
    for (const s of net.servers) await sh('ip', '-n', s.ns, 'route', 'add', `${net.client.v4}/32`, 'via', CLIENT_ON_SERVER_LAN);
  }
  const ipvs = await Ipvs.open();
  const held: ChildProcess[] = [];
  const running: HttpServer[] = [];
  for (const a of clientAddresses) await sh('ip', '-n', net.client.ns, 'addr', 'add', `${a}/24`, 'dev', 'eth0');
  return {
    net,
    ipvs,
    print,
    checks: new Checklist(print),
    get: (count, port, host = net.vip.v4, from) => httpRequests(net.client.ns, host, port, count, 5000, from),
    async hold(count, port, host = net.vip.v4) {
      // One process holding `count` sockets; prints a line per established connection.
      const js = `const n = +process.argv[1]; let up = 0; const open = () => require('net').connect(${port}, '${host}', () => { console.log('up'); if (++up < n) open(); }); open();`;
      const child = spawn('ip', ['netns', 'exec', net.client.ns, process.execPath, '-e', js, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
      held.push(child);
      await new Promise<void>((resolve, reject) => {
        let up = 0;
        child.stdout!.on('data', (d: Buffer) => {
          up += String(d).split('\n').filter((l) => l === 'up').length;
          if (up >= count) resolve();
        });
        child.once('exit', (code) => reject(new Error(`held connections ended early (${code})`)));
      });
      child.removeAllListeners('exit');
      return {
        close: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill();
          }),
      };
    },
    async serve(port) {
      for (const s of net.servers) running.push(await startHttpServer(s.ns, port, `${s.name} saw {from} -> {to}`));
    },
    async stats(key, connections) {
      let s = (await ipvs.service(key)).stats;
      for (let i = 0; i < 40 && s.connections < BigInt(connections); i++) {
        await new Promise((r) => setTimeout(r, 250));
        s = (await ipvs.service(key)).stats;
      }
      return s;
    },
    async close() {
      for (const c of held) c.kill();
      for (const s of running) await s.stop();
      await ipvs.flush().catch(() => undefined);
      ipvs.close();
      await sh('ip', 'link', 'del', 'lvs-cr').catch(() => undefined);
      await net.teardown();
    },
  };
}

/** Which server answered how often: the server's name is the first word of each answer. */
export function tally(answers: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const name = a.split(' ')[0]!;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** Runs a command in a namespace (the real servers' setup). */
export const inNs = nsExec;
export { sh };
