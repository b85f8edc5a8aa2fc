// The extras (ipvs_* series node_exporter lacks) against the kernel as
// ipvsadm shows it: per-service and per-destination 64-bit counters
// (`-Ln --stats --exact`) and rates (`--rate`) after real traffic, settings as
// info labels, thresholds, persistence, connection counts by state, sync
// daemons; and a scrape that fails in part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ipvs } from '../../../lib/index';
import { IpvsCollector, toText } from '../../../lib/prometheus/index';
import { sh } from '../../harness/topology';
import { ipvsadm, useNatTopology } from '../helpers';
import { parseExposition, type Exposition } from './exporters';

const env = useNatTopology();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LINK = 'ipvs-sync0';

let collector: IpvsCollector;
const scrape = async () => parseExposition(toText(await collector.collect()));

/** Reads `a`, then ours, then `a` again until both reads of `a` agree with ours (at most 20 tries). */
async function agreeing<T>(a: () => T, ours: (e: Exposition) => T): Promise<[T, T]> {
  let pair: [T, T] | undefined;
  for (let i = 0; i < 20; i++) {
    const before = JSON.stringify(a());
    const mine = ours(await scrape());
    const after = a();
    pair = [after, mine];
    if (before === JSON.stringify(after) && before === JSON.stringify(mine)) break;
    await sleep(300);
  }
  return pair!;
}

/** ipvsadm -Ln with `flag`: 'TCP  198.51.100.1:80' / '-> 203.0.113.2:8080' -> the numbers of the row. */
function ipvsadmRows(flag: string): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  let service = '';
  for (const line of ipvsadm('-Ln', flag, '--exact').split('\n')) {
    const t = line.trim().split(/\s+/);
    if (/^(TCP|UDP|SCTP|FWM)$/.test(t[0]!) && t.length === 7) rows[(service = `${t[0]} ${t[1]}`)] = t.slice(2);
    else if (t[0] === '->' && t.length === 7 && t[1] !== 'RemoteAddress:Port') rows[`${service} -> ${t[1]}`] = t.slice(2);
  }
  return rows;
}

const SERVICE = 'proto="TCP",family="inet",local_address="198.51.100.1",local_port="80",local_mark=""';
const series = (e: Exposition, name: string, labels: string) => e.samples.get(`${name}{${labels.split(',').sort().join(',')}}`);

function ourRows(e: Exposition, names: string[]): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  const svc = SERVICE;
  rows['TCP 198.51.100.1:80'] = names.map((n) => String(series(e, `ipvs_service_${n}`, svc)));
  for (const rs of env.t.servers) {
    const labels = `${svc},remote_address="${rs.v4}",remote_port="8080"`;
    rows[`TCP 198.51.100.1:80 -> ${rs.v4}:8080`] = names.map((n) => String(series(e, `ipvs_destination_${n}`, labels)));
  }
  return rows;
}

beforeAll(async () => {
  const { vip, servers } = env.t;
  const [rs1, rs2] = servers as [(typeof servers)[0], (typeof servers)[0]];
  const http = { protocol: 'tcp' as const, address: vip.v4, port: 80 };
  await env.ipvs.addService({ ...http, scheduler: 'rr' });
  await env.ipvs.addDestination(http, { address: rs1.v4, port: 8080, weight: 1 });
  await env.ipvs.addDestination(http, { address: rs2.v4, port: 8080, weight: 3, upperThreshold: 50, lowerThreshold: 10 });
  const sticky = { protocol: 'tcp' as const, address: vip.v4, port: 8443 };
  await env.ipvs.addService({ ...sticky, scheduler: 'sh', flags: { schedFlag1: true }, persistence: { timeout: 120, netmask: 24 } });
  await env.ipvs.addDestination(sticky, { address: rs1.v4, port: 8080 });
  const dns = { protocol: 'udp' as const, address: vip.v4, port: 53 };
  await env.ipvs.addService({ ...dns, flags: { onePacket: true } });
  await env.ipvs.addDestination(dns, { address: rs2.v4, port: 8080 });
  await env.ipvs.addService({ fwmark: 3, family: 'inet6', scheduler: 'lc' });
  await env.ipvs.addDestination({ fwmark: 3, family: 'inet6' }, { address: rs1.v6, port: 0, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'remcsum' } });
  await env.ipvs.addDestination({ fwmark: 3, family: 'inet6' }, { address: rs2.v6, port: 0, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'csum' } });
  await sh('ip', 'link', 'add', LINK, 'type', 'dummy');
  await sh('ip', 'link', 'set', LINK, 'multicast', 'on', 'up');
  await env.ipvs.startDaemon({ state: 'master', interface: LINK, syncId: 9, group: '239.9.9.9', port: 9009, ttl: 3, maxLength: 1000 });
  await env.t.request(8);
  await env.t.request(3, vip.v4, 8443);
  await env.t.udpRequest(3);
  collector = new IpvsCollector({ ipvs: env.ipvs, extras: true });
  for (let i = 0; i < 40 && (await env.ipvs.globalStats()).connections < 14n; i++) await sleep(250);
}, 120_000);

afterAll(async () => {
  collector?.close();
  await env.ipvs.stopDaemon('master').catch(() => undefined);
  await sh('ip', 'link', 'del', LINK).catch(() => undefined);
});

describe('extras', () => {
  it.each([
    ['--stats', 'counters', ['connections_total', 'incoming_packets_total', 'outgoing_packets_total', 'incoming_bytes_total', 'outgoing_bytes_total']],
    ['--rate', 'rates', ['connections_per_second', 'incoming_packets_per_second', 'outgoing_packets_per_second', 'incoming_bytes_per_second', 'outgoing_bytes_per_second']],
  ])('ipvsadm -Ln %s --exact: the per-service and per-destination %s', async (flag, _what, names) => {
    const [theirs, ours] = await agreeing(() => {
      const all = ipvsadmRows(flag);
      return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('TCP 198.51.100.1:80')));
    }, (e) => ourRows(e, names));
    expect(ours).toEqual(theirs);
    if (flag === '--stats') expect(Number(ours['TCP 198.51.100.1:80']![0])).toBe(8); // the 8 requests
  });

  it('settings as info labels and gauges', async () => {
    const e = await scrape();
    const keys = [...e.samples.keys()];
    expect(keys).toContain('ipvs_service_info{family="inet",flags="sched-flag-1",local_address="198.51.100.1",local_mark="",local_port="8443",pe="",persistence_netmask="255.255.255.0",proto="TCP",scheduler="sh"}');
    expect(keys).toContain('ipvs_service_info{family="inet",flags="one-packet",local_address="198.51.100.1",local_mark="",local_port="53",pe="",persistence_netmask="",proto="UDP",scheduler="wlc"}');
    expect(series(e, 'ipvs_service_persistence_timeout_seconds', 'proto="TCP",family="inet",local_address="198.51.100.1",local_port="8443",local_mark=""')).toBe(120);
    expect(series(e, 'ipvs_service_destinations', SERVICE)).toBe(2);
    const fwm = 'proto="FWM",family="inet6",local_address="",local_port="0",local_mark="00000003"';
    expect(keys).toContain(`ipvs_destination_info{${`${fwm},remote_address="2001:db8:2::2",remote_port="0",forwarding="tunnel",tunnel_type="gue",tunnel_port="6080",tunnel_checksum="remcsum"`.split(',').sort().join(',')}}`);
    expect(keys).toContain(`ipvs_destination_info{${`${fwm},remote_address="2001:db8:2::3",remote_port="0",forwarding="tunnel",tunnel_type="gre",tunnel_port="",tunnel_checksum="csum"`.split(',').sort().join(',')}}`);
    const rs2 = `${SERVICE},remote_address="${env.t.servers[1]!.v4}",remote_port="8080"`;
    expect([series(e, 'ipvs_destination_weight', rs2), series(e, 'ipvs_destination_upper_threshold', rs2), series(e, 'ipvs_destination_lower_threshold', rs2)]).toEqual([3, 50, 10]);
    const sticky = 'proto="TCP",family="inet",local_address="198.51.100.1",local_port="8443",local_mark="",remote_address="203.0.113.2",remote_port="8080"';
    expect(series(e, 'ipvs_destination_persistent_connections', sticky)).toBe(1); // one client: one template
  });

  it('connection counts by state equal the connection table', async () => {
    const [theirs, ours] = await agreeing(
      () => {
        const counts: Record<string, number> = {};
        for (const line of ipvsadm('-Lnc').split('\n').slice(2)) {
          const t = line.trim().split(/\s+/);
          if (t.length < 6) continue;
          const template = t[3]!.endsWith(':0');
          const key = template ? `template ${t[0]}` : `${t[0]} ${t[2] === 'UDP' ? 'NONE' : t[2]}`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        return counts;
      },
      (e) => {
        const counts: Record<string, number> = {};
        for (const [k, v] of e.samples) {
          const m = /^ipvs_connections\{proto="(\w+)",state="(\w+)"\}$/.exec(k);
          if (m) counts[`${m[1]} ${m[2]}`] = v;
          const t = /^ipvs_persistence_templates\{proto="(\w+)"\}$/.exec(k);
          if (t) counts[`template ${t[1]}`] = v;
        }
        return counts;
      },
    );
    expect(ours).toEqual(theirs);
    // The table is the whole namespace's: other files' entries may still be there.
    expect(ours['template TCP']).toBeGreaterThanOrEqual(1);
    // The 11 TCP requests, in whatever state each is now (the UDP service is one-packet: no entries).
    expect(Object.entries(ours).filter(([k]) => k.startsWith('TCP ')).reduce((a, [, n]) => a + n, 0)).toBeGreaterThanOrEqual(11);
  });

  it('sync daemons: running flags and settings', async () => {
    const e = await scrape();
    expect(series(e, 'ipvs_sync_daemon_running', 'state="master"')).toBe(1);
    expect(series(e, 'ipvs_sync_daemon_running', 'state="backup"')).toBe(0);
    expect(series(e, 'ipvs_sync_daemon_info', 'state="master",interface="ipvs-sync0",sync_id="9",group="239.9.9.9",port="9009",ttl="3",max_length="1000"')).toBe(1);
  });

  it('a scrape whose reads fail reports them and does not throw', async () => {
    const closed = await Ipvs.open();
    closed.close();
    const seen: string[] = [];
    const broken = new IpvsCollector({ ipvs: closed, extras: ['daemons'], onError: (err, source) => seen.push(`${source} ${err.code}`) });
    const e = parseExposition(toText(await broken.collect()));
    expect(seen.sort()).toEqual(['backends ERR_IPVS_CLOSED', 'daemons ERR_IPVS_CLOSED', 'stats ERR_IPVS_CLOSED']);
    expect(e.samples.get('ipvs_scrape_success{}')).toBe(0);
    expect(e.samples.get('ipvs_scrape_errors_total{source="stats"}')).toBe(1);
    expect([...e.samples.keys()].filter((k) => !k.startsWith('ipvs_scrape_'))).toEqual([]);
    broken.close();
    await expect(broken.collect()).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
  });
});
