// The connection table with real TCP and UDP traffic through NAT and DR
// services, IPv4 and IPv6, across namespaces in the test kernel: rows equal
// `ipvsadm -Lnc` byte for byte, filters select what they say, persistence
// templates (also of fwmark services, and SIP Call-IDs) are recognisable,
// SCTP has its states, and the global statistics count the same traffic.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Ipvs, type Connection, type ServiceKey } from '../../lib/index';
import { natTopology, sctpRequests, sh, startSctpServer, type NatTopology } from '../harness/topology';
import { expectSameAsIpvsadm, ipvsadm, until } from './helpers';

let t: NatTopology;
let ipvs: Ipvs;
beforeAll(async () => {
  t = await natTopology({ directRouting: true });
  ipvs = await Ipvs.open();
});
beforeEach(() => {
  ipvsadm('-C');
});
afterAll(async () => {
  ipvs?.close();
  await t?.teardown();
});

async function service(key: ServiceKey & { protocol?: string }, forwarding: 'masq' | 'route', v6 = false, extra = {}) {
  await ipvs.addService({ ...key, scheduler: 'rr', ...extra });
  for (const s of t.servers) await ipvs.addDestination(key, { address: v6 ? s.v6 : s.v4, port: s.port, forwarding });
}

// Entries outlive their services (TIME_WAIT 2 min, UDP 5 min): each test
// looks at the rows its own traffic added.
const id = (c: Connection) => `${c.protocol} ${c.clientAddress}:${c.clientPort} ${c.virtualAddress}:${c.virtualPort} ${c.destinationAddress}`;
const added = (before: Connection[], after: Connection[]) => {
  const old = new Set(before.map(id));
  return after.filter((c) => !old.has(id(c)));
};

const endpoints = (rows: Connection[]) => rows.map((c) => `${c.protocol} ${c.virtualAddress}:${c.virtualPort} -> ${c.destinationAddress}:${c.destinationPort}`).sort();

it('lists TCP and UDP connections through NAT and DR, IPv4 and IPv6, exactly as ipvsadm -Lnc', async () => {
  const { v4, v6 } = t.vip;
  await service({ protocol: 'tcp', address: v4, port: 80 }, 'masq');
  await service({ protocol: 'udp', address: v4, port: 53 }, 'masq');
  await service({ protocol: 'tcp', address: v4, port: 8080 }, 'route');
  await service({ protocol: 'udp', address: v4, port: 8080 }, 'route');
  await service({ protocol: 'tcp', address: v6, port: 80 }, 'masq', true);
  await service({ protocol: 'udp', address: v6, port: 8080 }, 'route', true);

  const before = await ipvs.connections();
  expect((await t.request(2)).sort()).toEqual(['rs1', 'rs2']);
  expect((await t.udpRequest(2)).sort()).toEqual(['rs1', 'rs2']);
  expect((await t.request(2, v4, 8080)).sort()).toEqual(['rs1', 'rs2']); // DR: replies bypass IPVS
  expect((await t.udpRequest(2, v4, 8080)).sort()).toEqual(['rs1', 'rs2']);
  expect((await t.request(2, v6)).sort()).toEqual(['rs1', 'rs2']);
  expect((await t.udpRequest(2, v6, 8080)).sort()).toEqual(['rs1', 'rs2']);

  const rows = added(before, await expectSameAsIpvsadm(() => ipvs.connections()));
  expect(rows).toHaveLength(12);
  const [rs1, rs2] = t.servers as [NatTopology['servers'][0], NatTopology['servers'][0]];
  expect(endpoints(rows)).toEqual([
    `tcp ${v6}:80 -> ${rs1.v6}:8080`, `tcp ${v6}:80 -> ${rs2.v6}:8080`,
    `tcp ${v4}:80 -> ${rs1.v4}:8080`, `tcp ${v4}:80 -> ${rs2.v4}:8080`,
    `tcp ${v4}:8080 -> ${rs1.v4}:8080`, `tcp ${v4}:8080 -> ${rs2.v4}:8080`,
    `udp ${v6}:8080 -> ${rs1.v6}:8080`, `udp ${v6}:8080 -> ${rs2.v6}:8080`,
    `udp ${v4}:53 -> ${rs1.v4}:8080`, `udp ${v4}:53 -> ${rs2.v4}:8080`,
    `udp ${v4}:8080 -> ${rs1.v4}:8080`, `udp ${v4}:8080 -> ${rs2.v4}:8080`,
  ].sort());
  for (const c of rows) {
    expect(c.template).toBe(false);
    expect(c.family).toBe(c.virtualAddress.includes(':') ? 'inet6' : 'inet');
    expect(c.clientAddress).toBe(c.family === 'inet6' ? t.client.v6 : t.client.v4);
    expect(c.clientPort).toBeGreaterThan(0);
    expect(c.expires).toBeGreaterThan(0);
    if (c.protocol === 'udp') expect(c.state).toBe('NONE');
  }
  // Closed HTTP connections: NAT sees both directions (TIME_WAIT); DR only the client's.
  const tcpStates = new Set(rows.filter((c) => c.protocol === 'tcp').map((c) => c.state));
  expect([...tcpStates].every((s) => ['TIME_WAIT', 'FIN_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'ESTABLISHED'].includes(s))).toBe(true);
  expect(rows.filter((c) => c.protocol === 'tcp' && c.virtualPort === 80 && c.family === 'inet').every((c) => c.state === 'TIME_WAIT')).toBe(true);

  // The iterator yields the same rows; withOrigin reads ip_vs_conn_sync: all local here.
  const iterated: Connection[] = [];
  for await (const c of ipvs.eachConnection()) iterated.push(c);
  expect(endpoints(added(before, iterated))).toEqual(endpoints(rows));
  const withOrigin = added(before, await ipvs.connections({ withOrigin: true }));
  expect(withOrigin).toHaveLength(12);
  expect(withOrigin.every((c) => c.origin === 'local' && c.pe === undefined)).toBe(true);
});

it('filters by service, destination, client and state', async () => {
  const { v4, v6 } = t.vip;
  await service({ protocol: 'tcp', address: v4, port: 81 }, 'masq');
  await service({ protocol: 'udp', address: v4, port: 54 }, 'masq');
  await service({ protocol: 'tcp', address: v6, port: 81 }, 'masq', true);
  const before = await ipvs.connections();
  await t.request(4, v4, 81);
  await t.udpRequest(2, v4, 54);
  await t.request(2, v6, 81);
  const all = await ipvs.connections();
  expect(added(before, all)).toHaveLength(8);
  const rs1 = t.servers[0]!;
  const cases: [Parameters<Ipvs['connections']>[0], (c: Connection) => boolean][] = [
    [{ service: { protocol: 'tcp', address: v4, port: 81 } }, (c) => c.protocol === 'tcp' && c.virtualAddress === v4 && c.virtualPort === 81],
    [{ service: { protocol: 'udp' } }, (c) => c.protocol === 'udp'],
    [{ service: { address: '2001:db8:1:0:0::1' } }, (c) => c.virtualAddress === v6], // any spelling of the address
    [{ destination: { address: rs1.v4, port: 8080 } }, (c) => c.destinationAddress === rs1.v4],
    [{ client: { address: t.client.v4 }, state: 'TIME_WAIT' }, (c) => c.family === 'inet' && c.state === 'TIME_WAIT'],
    [{ state: ['NONE'] }, (c) => c.state === 'NONE'],
    [{ template: false, service: { port: 81 } }, (c) => !c.template && c.virtualPort === 81],
  ];
  // Rows other files left behind expire at any moment: only this test's rows are compared.
  const mine = added(before, all);
  for (const [query, want] of cases) {
    const got = added(before, await ipvs.connections(query));
    expect(got.length, JSON.stringify(query)).toBeGreaterThan(0);
    expect(endpoints(got), JSON.stringify(query)).toEqual(endpoints(mine.filter(want)));
  }
  expect(await ipvs.connections({ client: { port: 1 } })).toEqual([]);
  // Bad queries fail before anything is read.
  await expect(ipvs.connections({ service: { fwmark: 1 } } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  await expect(ipvs.connections({ client: { address: 'localhost' } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  await expect(ipvs.connections({ state: 5 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
});

it('recognises persistence templates, of address and of fwmark services', async () => {
  const key = { protocol: 'tcp', address: t.vip.v4, port: 82 } as const;
  await service(key, 'masq', false, { persistence: { timeout: 120, netmask: 24 } });
  await t.request(3, t.vip.v4, 82);
  const rows = (await expectSameAsIpvsadm(() => ipvs.connections())).filter((c) => c.virtualPort === 82);
  const templates = rows.filter((c) => c.template);
  expect(templates).toHaveLength(1);
  const server = templates[0]!.destinationAddress;
  expect(templates[0]).toMatchObject({
    protocol: 'tcp', clientAddress: '198.51.100.0', clientPort: 0, virtualAddress: t.vip.v4, virtualPort: 82, destinationPort: 8080,
  });
  expect(['NONE', 'ASSURED']).toContain(templates[0]!.state);
  expect(templates[0]!.expires).toBeGreaterThan(100);
  // Persistence: every client connection went to the template's server.
  expect(rows.filter((c) => !c.template).every((c) => c.destinationAddress === server)).toBe(true);
  // (Templates of other files' services may still be there: only templates, ours among them.)
  const onlyTemplates = await ipvs.connections({ template: true });
  expect(onlyTemplates.every((c) => c.template)).toBe(true);
  expect(onlyTemplates.filter((c) => c.virtualAddress === t.vip.v4 && c.virtualPort === 82)).toEqual([expect.objectContaining({ clientPort: 0, virtualPort: 82 })]);

  // A fwmark service: tc marks what arrives from the client (mark 7); its
  // templates have protocol IP and the mark where the virtual address goes.
  ipvsadm('-C');
  await sh('tc', 'qdisc', 'add', 'dev', 'ipvs-c', 'ingress');
  try {
    await sh('tc', 'filter', 'add', 'dev', 'ipvs-c', 'parent', 'ffff:', 'protocol', 'all', 'matchall', 'action', 'skbedit', 'mark', '7');
    await ipvs.addService({ fwmark: 7, scheduler: 'rr', persistence: { timeout: 60, netmask: '255.255.255.0' } });
    for (const s of t.servers) await ipvs.addDestination({ fwmark: 7 }, { address: s.v4, port: s.port });
    const before = await ipvs.connections();
    expect(await t.request(2, t.vip.v4, 8080)).toHaveLength(2);
    const marked = added(before, await expectSameAsIpvsadm(() => ipvs.connections()));
    const fwTemplates = marked.filter((c) => c.template);
    expect(fwTemplates).toEqual([expect.objectContaining({ protocol: 'ip', fwmark: 7, virtualAddress: '0.0.0.7', virtualPort: 0, clientAddress: '198.51.100.0', clientPort: 0, destinationPort: 0 })]);
    expect(marked.filter((c) => !c.template)).toHaveLength(2);
  } finally {
    await sh('tc', 'qdisc', 'del', 'dev', 'ipvs-c', 'ingress');
  }
});

it('carries persistence-engine data (SIP Call-IDs) and SCTP states', async () => {
  // A SIP persistence engine: the template holds the Call-ID of the first datagram.
  // Its entries hold the ip_vs_pe_sip module (later tests unload IPVS): short
  // timeouts, and they are waited out below. The connection must go before
  // its template's timer fires: a template still in control is given 60 s more.
  const sip = { protocol: 'udp', address: t.vip.v4, port: 5060 } as const;
  const { udp } = await ipvs.timeouts();
  await ipvs.setTimeouts({ udp: 1 });
  try {
    await service(sip, 'masq', false, { persistence: { timeout: 3 }, pe: 'sip' });
    const callId = 'a84b4c76e66710@198.51.100.2';
    const invite = `OPTIONS sip:bob@${t.vip.v4} SIP/2.0\r\nVia: SIP/2.0/UDP ${t.client.v4}:5060\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    expect(await t.udpRequest(1, t.vip.v4, 5060, invite)).toHaveLength(1);
    const [template] = await ipvs.connections({ service: sip, template: true });
    expect(template).toMatchObject({ protocol: 'udp', clientAddress: t.client.v4, clientPort: 0, pe: { name: 'sip', data: callId } });
    // ipvsadm shows PE data with --persistent-conn: "<destination> sip <data>".
    const line = ipvsadm('-Lnc', '--persistent-conn').split('\n').find((l) => l.includes(`${t.vip.v4}:5060`) && l.includes(':0 '));
    expect(line?.trim().split(/\s+/).slice(-2)).toEqual(['sip', callId]);
  } finally {
    await ipvs.setTimeouts({ udp });
    await ipvs.deleteService(sip).catch(() => undefined);
    await until(async () => ((await ipvs.connections({ service: sip })).length === 0 ? true : undefined), 'SIP entries to expire');
  }

  // SCTP through NAT: its own state names.
  const server = await startSctpServer(t.servers[0]!.ns, 9000, 'rs1');
  try {
    const sctp = { protocol: 'sctp', address: t.vip.v4, port: 9000 } as const;
    await ipvs.addService({ ...sctp, scheduler: 'rr' });
    await ipvs.addDestination(sctp, { address: t.servers[0]!.v4, port: 9000 });
    expect(await sctpRequests(t.client.ns, t.vip.v4, 9000, 2)).toEqual(['rs1', 'rs1']);
    const rows = (await expectSameAsIpvsadm(() => ipvs.connections())).filter((c) => c.protocol === 'sctp');
    expect(rows).toHaveLength(2);
    for (const c of rows) expect(['CLOSED', 'SHUTDOWN_ACK_SENT', 'S-ACK-SENT', 'ESTABLISHED']).toContain(c.state);
  } finally {
    await server.stop();
  }
});

it('reads the global statistics: totals equal the services\' counters, per CPU too', async () => {
  // zero() resets what the estimator has summed so far; it sums every 2 s.
  // Let it catch up with earlier tests' traffic first, or that lands after the zero.
  for (let prev = await ipvs.globalStats(); ; ) {
    await new Promise((r) => setTimeout(r, 2100));
    const now = await ipvs.globalStats();
    if (now.connections === prev.connections && now.inPackets === prev.inPackets) break;
    prev = now;
  }
  await ipvs.zero();
  const key = { protocol: 'tcp', address: t.vip.v4, port: 83 } as const;
  await service(key, 'masq');
  await t.request(5, t.vip.v4, 83);
  const svc = await until(async () => {
    const s = await ipvs.service(key);
    return s.stats.connections === 5n && s.stats.outBytes > 0n ? s : undefined;
  }, 'service counters');
  let last: unknown;
  const g = await until(async () => {
    const s = await ipvs.globalStats();
    last = { connections: s.connections, outBytes: s.outBytes, want: svc.stats.outBytes };
    return s.connections === 5n && s.outBytes >= svc.stats.outBytes ? s : undefined;
  }, 'global counters').catch((e) => {
    throw new Error(`${e.message}; last read ${JSON.stringify(last, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  });
  // Packets of entries left by earlier tests count globally, in no service.
  expect(g.inPackets).toBeGreaterThanOrEqual(svc.stats.inPackets);
  expect(g.outPackets).toBeGreaterThanOrEqual(svc.stats.outPackets);
  expect(g.inBytes).toBeGreaterThanOrEqual(svc.stats.inBytes);
  expect(typeof g.inBytes).toBe('bigint');
  expect(typeof g.cps).toBe('number');
  expect(g.perCpu.length).toBeGreaterThanOrEqual(1);
  expect(g.perCpu[0]!.cpu).toBe(0);
  // Per-CPU counters are never zeroed: at least the totals since zero().
  expect(g.perCpu.reduce((n, c) => n + c.connections, 0n)).toBeGreaterThanOrEqual(5n);
  await ipvs.zero();
  expect((await ipvs.globalStats()).connections).toBe(0n);
});
