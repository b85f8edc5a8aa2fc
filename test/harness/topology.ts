// Network topologies with real traffic, for kernel tests and the demo.
//
// Runs inside the test kernel (UML's init namespace, or the harness's fresh
// namespace), as root; the current namespace is the IPVS director. Other
// hosts are named network namespaces joined to it by veth pairs. Only
// documentation address ranges are used (RFC 5737 and RFC 3849), so no
// packet could mean anything outside the test kernel.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NODE = process.execPath;

/** Run a command, resolve its stdout; rejects with its stderr in the message. */
export async function sh(cmd: string, ...args: string[]): Promise<string> {
  try {
    return (await run(cmd, args, { encoding: 'utf8' })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** Like sh() but ignores failure (teardown of things that may not exist). */
async function tryRun(cmd: string, ...args: string[]): Promise<void> {
  await sh(cmd, ...args).catch(() => undefined);
}

/** Run a command inside a named namespace. */
export function nsExec(ns: string, cmd: string, ...args: string[]): Promise<string> {
  return sh('ip', 'netns', 'exec', ns, cmd, ...args);
}

/** Let the director route between its links (both families). */
export async function enableForwarding(): Promise<void> {
  await sh('sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
}

/** A fresh named namespace with loopback up (an old one of that name is removed). */
export async function createNamespace(ns: string): Promise<void> {
  await tryRun('ip', 'netns', 'del', ns);
  await sh('ip', 'netns', 'add', ns);
  await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
}

export interface LinkOptions {
  /** Director-side interface name (max 15 chars). */
  hostIf: string;
  /** Addresses with prefix for the namespace side, e.g. ['203.0.113.2/24', '2001:db8:2::2/64']. */
  nsAddrs: string[];
  /** Addresses with prefix for the director side; omit when the link joins a bridge. */
  hostAddrs?: string[];
  /** Bridge on the director to enslave hostIf to. */
  bridge?: string;
  /** Default gateways for the namespace, one per family (director addresses). */
  gateways?: string[];
}

/** veth pair between the director and `ns`; the namespace side is eth0. */
export async function connectNamespace(ns: string, o: LinkOptions): Promise<void> {
  await sh('ip', 'link', 'add', o.hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  // nodad: IPv6 addresses are usable at once instead of after duplicate detection.
  for (const a of o.hostAddrs ?? []) await sh('ip', 'addr', 'add', a, 'dev', o.hostIf, ...nodad(a));
  if (o.bridge) await sh('ip', 'link', 'set', o.hostIf, 'master', o.bridge);
  await sh('ip', 'link', 'set', o.hostIf, 'up');
  for (const a of o.nsAddrs) await sh('ip', '-n', ns, 'addr', 'add', a, 'dev', 'eth0', ...nodad(a));
  await sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up');
  for (const gw of o.gateways ?? []) {
    await sh('ip', '-n', ns, ...(gw.includes(':') ? ['-6'] : []), 'route', 'add', 'default', 'via', gw);
  }
}

/** A bridge on the director with these addresses (several namespaces on one subnet). */
export async function createBridge(name: string, addrs: string[]): Promise<void> {
  await tryRun('ip', 'link', 'del', name);
  await sh('ip', 'link', 'add', name, 'type', 'bridge');
  for (const a of addrs) await sh('ip', 'addr', 'add', a, 'dev', name, ...nodad(a));
  await sh('ip', 'link', 'set', name, 'up');
}

function nodad(addr: string): string[] {
  return addr.includes(':') ? ['nodad'] : [];
}

export interface HttpServer {
  ns: string;
  port: number;
  body: string;
  stop(): Promise<void>;
}

// Answers every HTTP request and every UDP datagram on `port` with its name;
// both families. In the body, {from} and {to} become the addresses the server
// saw the request come from and go to (what NAT, DR and tunnels change).
const SERVER_JS = `
const [port, body] = process.argv.slice(1);
const plain = (a) => String(a).replace(/^::ffff:(?=\\d+\\.)/, '');
const answer = (from, to) => body.replace('{from}', plain(from)).replace(to === undefined ? / -> \\{to\\}/ : '{to}', to === undefined ? '' : plain(to));
const udp = require('dgram').createSocket({ type: 'udp6', ipv6Only: false });
udp.on('message', (m, from) => udp.send(answer(from.address), from.port, from.address));
udp.bind(+port, '::', () =>
  require('http').createServer((req, res) => res.end(answer(req.socket.remoteAddress, req.socket.localAddress + ':' + req.socket.localPort))).listen(+port, '::', () => console.log('listening')));
`;

/** Start an HTTP and UDP server in `ns` that answers `body`; resolves once it listens. */
export async function startHttpServer(ns: string, port: number, body: string): Promise<HttpServer> {
  const child = spawn('ip', ['netns', 'exec', ns, NODE, '-e', SERVER_JS, String(port), body], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`HTTP server in ${ns} did not start in 20 s: ${err}`)), 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      if (String(d).includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => fail(new Error(`HTTP server in ${ns} exited (${code}): ${err}`)));
  });
  child.removeAllListeners('exit');
  return { ns, port, body, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// Sequential GETs, a new connection each (agent:false), so each one is
// scheduled by IPVS anew; prints the bodies as JSON.
const CLIENT_JS = `
const [url, count, timeout, localAddress] = process.argv.slice(1);
const http = require('http');
const get = () => new Promise((resolve, reject) => {
  const req = http.get(url, { agent: false, timeout: +timeout, ...(localAddress ? { localAddress } : {}) }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve(body));
  });
  req.on('timeout', () => req.destroy(new Error('timed out after ' + timeout + ' ms')));
  req.on('error', reject);
});
(async () => {
  const bodies = [];
  for (let i = 0; i < +count; i++) bodies.push(await get());
  console.log(JSON.stringify(bodies));
})().catch((e) => { console.error(String(e.message || e)); process.exit(1); });
`;

/**
 * Make `count` sequential HTTP GETs from namespace `ns` to `host`:`port`
 * (from source address `from` when given); resolves the bodies.
 */
export async function httpRequests(ns: string, host: string, port: number, count: number, timeoutMs = 5000, from?: string): Promise<string[]> {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const out = await nsExec(ns, NODE, '-e', CLIENT_JS, url, String(count), String(timeoutMs), ...(from ? [from] : []));
  return JSON.parse(out) as string[];
}

// Sequential datagrams, each from a new socket (a new source port, so a new
// IPVS connection); prints the answers as JSON.
const UDP_CLIENT_JS = `
const [host, port, count, timeout, payload] = process.argv.slice(1);
const dgram = require('dgram');
const ask = () => new Promise((resolve, reject) => {
  const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const timer = setTimeout(() => { s.close(); reject(new Error('no UDP answer in ' + timeout + ' ms')); }, +timeout);
  s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(String(m)); });
  s.send(payload, +port, host);
});
(async () => {
  const answers = [];
  for (let i = 0; i < +count; i++) answers.push(await ask());
  console.log(JSON.stringify(answers));
})().catch((e) => { console.error(String(e.message || e)); process.exit(1); });
`;

/** Send `count` datagrams (`payload`) from namespace `ns` to `host`:`port`, each from a new port; resolves the answers. */
export async function udpRequests(ns: string, host: string, port: number, count: number, payload = 'ping', timeoutMs = 5000): Promise<string[]> {
  const out = await nsExec(ns, NODE, '-e', UDP_CLIENT_JS, host, String(port), String(count), String(timeoutMs), payload);
  return JSON.parse(out) as string[];
}

// SCTP (Node has none): python3's socket module. The server answers each
// association with its name and closes it.
const SCTP_SERVER_PY = `
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', int(sys.argv[1]))); s.listen(16); print('listening', flush=True)
while True:
    c, _ = s.accept(); c.send(sys.argv[2].encode()); c.close()
`;
const SCTP_CLIENT_PY = `
import json, socket, sys
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
answers = []
for _ in range(count):
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.settimeout(5); s.connect((host, port)); answers.append(s.recv(64).decode()); s.close()
print(json.dumps(answers))
`;

/** An SCTP server in `ns` answering `body`; resolves once it listens. */
export async function startSctpServer(ns: string, port: number, body: string): Promise<HttpServer> {
  const child = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', SCTP_SERVER_PY, String(port), body], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`SCTP server in ${ns} exited (${code}): ${err}`)));
  });
  child.removeAllListeners('exit');
  return { ns, port, body, stop: () => stopChild(child) };
}

/** `count` SCTP associations from `ns` to `host`:`port`, one after another; resolves the answers. */
export async function sctpRequests(ns: string, host: string, port: number, count: number): Promise<string[]> {
  return JSON.parse(await nsExec(ns, 'python3', '-c', SCTP_CLIENT_PY, host, String(port), String(count))) as string[];
}

export interface RealServer {
  /** Its name, which is also what its HTTP server answers. */
  name: string;
  ns: string;
  v4: string;
  v6: string;
  port: number;
}

export interface NatTopology {
  client: { ns: string; v4: string; v6: string };
  /** Director addresses: client side (also the VIP) and server side (the servers' gateway). */
  director: { clientV4: string; clientV6: string; serverV4: string; serverV6: string };
  vip: { v4: string; v6: string };
  servers: RealServer[];
  /** `count` sequential GETs from the client to host:port (default: the IPv4 VIP, port 80). */
  request(count: number, host?: string, port?: number): Promise<string[]>;
  /** `count` UDP datagrams from the client, each from a new port (default: the IPv4 VIP, port 53). */
  udpRequest(count: number, host?: string, port?: number, payload?: string): Promise<string[]>;
  /** Stop the servers, delete the namespaces and links. Safe to call twice. */
  teardown(): Promise<void>;
}

/**
 * The classic NAT setup:
 *
 *   client ns (198.51.100.2, 2001:db8:1::2)
 *     | veth            director = this namespace: 198.51.100.1 = VIP, 2001:db8:1::1
 *   director -- bridge ipvs-br0 (203.0.113.1, 2001:db8:2::1)
 *     | veth, veth
 *   rs1 (203.0.113.2, 2001:db8:2::2), rs2 (.3, ::3), ...  HTTP on :8080 answering "rs1", "rs2"
 *
 * Every namespace routes via the director, so NAT (masquerade) replies come
 * back through IPVS. Servers answer HTTP and UDP on `port`. With `directRouting`
 * the servers also own the VIPs on their loopback (not answering ARP for
 * them), so DR services (VIP:port -> server:port) work too; their replies go
 * to the client straight from the VIP, routed by the director without IPVS.
 * The caller creates the IPVS services.
 */
export async function natTopology({ servers = 2, port = 8080, prefix = 'ipvs-', directRouting = false } = {}): Promise<NatTopology> {
  const t: NatTopology = {
    client: { ns: `${prefix}client`, v4: '198.51.100.2', v6: '2001:db8:1::2' },
    director: { clientV4: '198.51.100.1', clientV6: '2001:db8:1::1', serverV4: '203.0.113.1', serverV6: '2001:db8:2::1' },
    vip: { v4: '198.51.100.1', v6: '2001:db8:1::1' },
    servers: Array.from({ length: servers }, (_, i) => ({
      name: `rs${i + 1}`,
      ns: `${prefix}rs${i + 1}`,
      v4: `203.0.113.${i + 2}`,
      v6: `2001:db8:2::${i + 2}`,
      port,
    })),
    request: (count, host = t.vip.v4, p = 80) => httpRequests(t.client.ns, host, p, count),
    udpRequest: (count, host = t.vip.v4, p = 53, payload) => udpRequests(t.client.ns, host, p, count, payload),
    teardown: async () => {
      for (const s of running.splice(0)) await s.stop();
      for (const ns of [t.client.ns, ...t.servers.map((s) => s.ns)]) await tryRun('ip', 'netns', 'del', ns);
      await tryRun('ip', 'link', 'del', bridge);
    },
  };
  const bridge = `${prefix}br0`;
  const running: HttpServer[] = [];
  try {
    await enableForwarding();
    await createNamespace(t.client.ns);
    await connectNamespace(t.client.ns, {
      hostIf: `${prefix}c`,
      hostAddrs: [`${t.director.clientV4}/24`, `${t.director.clientV6}/64`],
      nsAddrs: [`${t.client.v4}/24`, `${t.client.v6}/64`],
      gateways: [t.director.clientV4, t.director.clientV6],
    });
    await createBridge(bridge, [`${t.director.serverV4}/24`, `${t.director.serverV6}/64`]);
    if (directRouting) {
      // DR replies come back through the director with the VIP, one of its own
      // addresses, as source: accept them there instead of dropping them as martians.
      await sh('sysctl', '-qw', `net.ipv4.conf.${bridge}.accept_local=1`, `net.ipv4.conf.${bridge}.rp_filter=0`, 'net.ipv4.conf.all.rp_filter=0');
    }
    for (const s of t.servers) {
      await createNamespace(s.ns);
      await connectNamespace(s.ns, {
        hostIf: `${prefix}${s.name}`,
        bridge,
        nsAddrs: [`${s.v4}/24`, `${s.v6}/64`],
        gateways: [t.director.serverV4, t.director.serverV6],
      });
      if (directRouting) {
        await nsExec(s.ns, 'sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2');
        await sh('ip', '-n', s.ns, 'addr', 'add', `${t.vip.v4}/32`, 'dev', 'lo');
        await sh('ip', '-n', s.ns, 'addr', 'add', `${t.vip.v6}/128`, 'dev', 'lo', 'nodad');
      }
      running.push(await startHttpServer(s.ns, port, s.name));
    }
    return t;
  } catch (err) {
    await t.teardown();
    throw err;
  }
}
