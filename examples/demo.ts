// The main job in one screen: IPVS balancing real HTTP requests round robin
// over NAT, configured and read back through this package.
//
//   npm run demo     (boots the test kernel when this host has no IPVS)
//
// Inside: a client namespace, this namespace as the director with the virtual
// IP, and two real servers in their own namespaces (test/harness/topology.ts).
import { Ipvs, type Stats } from '../lib/index';
import { natTopology } from '../test/harness/topology';

async function main(): Promise<void> {
  const net = await natTopology();
  const ipvs = await Ipvs.open();
  try {
    const service = { protocol: 'tcp', address: net.vip.v4, port: 80 } as const;
    await ipvs.addService({ ...service, scheduler: 'rr' });
    for (const s of net.servers) {
      await ipvs.addDestination(service, { address: s.v4, port: s.port, forwarding: 'masq', weight: 1 });
    }
    const info = await ipvs.info();
    console.log(`IPVS ${info.version}: TCP ${service.address}:80, round robin over ${net.servers.map((s) => `${s.name} ${s.v4}:${s.port}`).join(' and ')}\n`);

    const bodies = await net.request(6);
    bodies.forEach((body, i) => console.log(`  request ${i + 1} from client ${net.client.v4} -> answered by ${body}`));

    // The kernel's estimator folds counters in every ~2 s: wait for them.
    let svc = await ipvs.service(service);
    for (let i = 0; i < 40 && svc.stats.connections < 6n; i++) {
      await new Promise((r) => setTimeout(r, 250));
      svc = await ipvs.service(service);
    }
    console.log(`\nstatistics read back with ipvs (64-bit counters are bigint):`);
    console.log(row('', 'conns', 'inPackets', 'outPackets', 'inBytes', 'outBytes'));
    console.log(row(`TCP ${service.address}:80`, ...counters(svc.stats)));
    for (const d of await ipvs.destinations(service)) {
      console.log(row(`  -> ${d.address}:${d.port} ${d.forwarding}`, ...counters(d.stats)));
    }
    await ipvs.flush();
  } finally {
    ipvs.close();
    await net.teardown();
  }
}

function counters(s: Stats): bigint[] {
  return [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes];
}

function row(name: string, ...cols: (string | bigint)[]): string {
  return name.padEnd(34) + cols.map((c) => String(c).padStart(11)).join('');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
