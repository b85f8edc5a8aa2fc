/**
 * ipvsadm's listings, byte for byte: -L in every form (default, --stats,
 * --rate, --thresholds, --persistent-conn, --tun-info, --exact), -S rules,
 * -c connections, --timeout and --daemon, from the package's read API.
 * @module
 */
import type { Connection, Destination, Ipvs, Service, ServiceKey } from '../../lib/index';
import { FMT } from './command';
import { portToService, type Resolver } from './names';
import type { Output } from './output';
import { sortDestinations, sortServices } from './sort';

const PROTO_NUMBER = { tcp: 6, udp: 17, sctp: 132 } as const;
const PROTO_NAME = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;
const PROTO_OPTION = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
const FWD_NAME = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route' } as const;
const FWD_SWITCH = { masq: '-m', local: '-g', tunnel: '-i', route: '-g' } as const;
const CSUM_INFO = { none: '-c', csum: '+c', remcsum: 'r+c' } as const;
const CSUM_OPTION = { none: '--tun-nocsum', csum: '--tun-csum', remcsum: '--tun-remcsum' } as const;

const pad = (s: string | number, width: number) => String(s).padEnd(width);
const right = (s: string | number | bigint, width: number) => String(s).padStart(width);

/** print_largenum(): 9 columns, scaled by 1000s with K/M/G/T unless --exact. */
export function largeNumber(v: bigint, format: number): string {
  if (format & FMT.EXACT) {
    const len = String(v).length;
    return right(v, len <= 8 ? 9 : len + 1);
  }
  if (v < 100000000n) return right(v, 9);
  if (v < 1000000000n) return `${right(v / 1000n, 8)}K`;
  if (v < 100000000000n) return `${right(v / 1000000n, 8)}M`;
  if (v < 100000000000000n) return `${right(v / 1000000000n, 8)}G`;
  return `${right(v / 1000000000000n, 8)}T`;
}

export function title(format: number): string {
  const head = (a: string, b: string, c: string, d: string, e: string) => `${pad('Prot LocalAddress:Port', 33)} ${right(a, 8)} ${right(b, 8)} ${right(c, 8)} ${right(d, 8)} ${right(e, 8)}\n  -> RemoteAddress:Port\n`;
  if (format & FMT.STATS) return head('Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes');
  if (format & FMT.RATE) return head('CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS');
  if (format & FMT.THRESHOLDS) return `${pad('Prot LocalAddress:Port', 33)} ${pad('Uthreshold', 10)} ${pad('Lthreshold', 10)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
  if (format & FMT.PERSISTENTCONN) return `${pad('Prot LocalAddress:Port', 33)} ${pad('Weight', 9)} ${pad('PersistConn', 11)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
  if (format & FMT.TUN_INFO) return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
  if (!(format & FMT.RULE)) return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  return '';
}

export class Lister {
  constructor(
    private readonly ipvs: Ipvs,
    private readonly out: Output,
    private readonly resolver: Resolver,
  ) {}

  /** addrport_to_anyname(): 'addr:port' / '[v6]:port', names unless -n. */
  async endpoint(address: string, port: number, protocol: number, format: number): Promise<string> {
    const v6 = address.includes(':');
    if (format & FMT.NUMERIC) return v6 ? `[${address}]:${port}` : `${address}:${port}`;
    const host = (await this.resolver.addressToHost(address)) ?? address;
    const service = portToService(port, protocol) ?? String(port);
    return v6 ? `[${host}]:${service}` : `${host}:${service}`;
  }

  /** list_all(): the header, then every service with its destinations. */
  async listAll(format: number): Promise<void> {
    if (!(format & FMT.RULE)) {
      const info = await this.ipvs.info();
      this.out.write(`IP Virtual Server version ${info.version} (size=${info.connectionTableSize})\n`);
    }
    let services = await this.ipvs.snapshot();
    if (!(format & FMT.NOSORT)) services = sortServices(services);
    this.out.write(title(format));
    for (const s of services) await this.serviceEntry(s, s.destinations, format);
  }

  /** list_service(): one service, no header. */
  async listService(key: ServiceKey, format: number): Promise<void> {
    const service = await this.ipvs.service(key);
    const destinations = await this.ipvs.destinations(key);
    this.out.write(title(format));
    await this.serviceEntry(service, destinations, format);
  }

  /** print_service_entry(). */
  private async serviceEntry(se: Service, dests: Destination[], format: number): Promise<void> {
    const protocol = 'protocol' in se ? PROTO_NUMBER[se.protocol] : 0;
    let name: string;
    if ('fwmark' in se) {
      // %d of an unsigned mark: ipvsadm 1.31 prints marks above 2^31 negative.
      const mark = se.fwmark | 0;
      const v6 = se.family === 'inet6' ? (format & FMT.RULE ? ' -6' : ' IPv6') : '';
      name = format & FMT.RULE ? `-f ${mark}${v6}` : `FWM  ${mark}${v6}`;
    } else {
      const vname = await this.endpoint(se.address, se.port, protocol, format);
      if (format & FMT.RULE) {
        name = `${PROTO_OPTION[se.protocol]} ${vname}`;
      } else {
        name = `${pad(PROTO_NAME[se.protocol], 4)} ${vname}`;
        if (se.family !== 'inet6') name = name.slice(0, 33);
      }
    }
    const f = se.flags;
    const anySchedFlag = f.schedFlag1 || f.schedFlag2 || f.schedFlag3;
    let line: string;
    if (format & FMT.RULE) {
      line = `-A ${name} -s ${se.scheduler}`;
      if (se.persistence) line += ` -p ${se.persistence.timeout}${this.mask(se, '-M')}`;
      if (se.pe) line += ` --pe ${se.pe}`;
      if (f.onePacket) line += ' -o';
      if (anySchedFlag) line += ` -b ${schedFlags(se)}`;
    } else if (format & (FMT.STATS | FMT.RATE)) {
      const s = se.stats;
      const values = format & FMT.STATS ? [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] : [s.cps, s.inPps, s.outPps, s.inBps, s.outBps].map(BigInt);
      line = pad(name, 33) + values.map((v) => largeNumber(v, format)).join('');
    } else {
      line = `${name} ${se.scheduler}`;
      if (anySchedFlag) line += ` (${schedFlags(se)})`;
      if (se.persistence) {
        line += ` persistent ${se.persistence.timeout}${this.mask(se, 'mask')}`;
        if (se.pe) line += ` pe ${se.pe}`;
      }
      if (f.onePacket) line += ' ops';
    }
    const lines = [`${line}\n`];
    for (const e of format & FMT.NOSORT ? dests : sortDestinations(dests)) {
      let dname = await this.endpoint(e.address, e.port, protocol, format);
      if (!(format & FMT.RULE) && e.family !== 'inet6') dname = dname.slice(0, 28);
      lines.push(this.destinationLine(name, dname, e, format));
    }
    this.out.write(lines.join(''));
  }

  /** ' -M <mask>' / ' mask <mask>' when the persistence mask is not a single address. */
  private mask(se: Service, word: string): string {
    const m = se.persistence!.netmask;
    if (se.family === 'inet6') return m !== 128 ? ` ${word} ${m}` : '';
    return m !== '255.255.255.255' ? ` ${word} ${m}` : '';
  }

  private destinationLine(svcName: string, dname: string, e: Destination, format: number): string {
    const s = e.stats;
    if (format & FMT.RULE) {
      const rule = `-a ${svcName} -r ${dname} ${FWD_SWITCH[e.forwarding]} -w ${e.weight}`;
      const t = e.forwarding === 'tunnel' ? e.tunnel : undefined;
      if (!t) return `${rule}\n`;
      if (t.type === 'gre') return `${rule} --tun-type gre ${CSUM_OPTION[t.checksum]}\n`;
      if (t.type === 'gue') return `${rule} --tun-type gue --tun-port ${t.port} ${CSUM_OPTION[t.checksum]}\n`;
      return `${rule} --tun-type ipip\n`;
    }
    const d = `  -> ${pad(dname, 28)}`;
    if (format & FMT.STATS) return `${d}${[s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes].map((v) => largeNumber(v, format)).join('')}\n`;
    if (format & FMT.RATE) return `${d} ${right(s.cps, 8)} ${right(s.inPps, 8)} ${right(s.outPps, 8)}${largeNumber(BigInt(s.inBps), format)}${largeNumber(BigInt(s.outBps), format)}\n`;
    if (format & FMT.THRESHOLDS) return `${d} ${pad(e.upperThreshold, 10)} ${pad(e.lowerThreshold, 10)} ${pad(e.activeConnections, 10)} ${pad(e.inactiveConnections, 10)}\n`;
    if (format & FMT.PERSISTENTCONN) return `${d} ${pad(e.weight, 9)} ${pad(e.persistentConnections, 11)} ${pad(e.activeConnections, 10)} ${pad(e.inactiveConnections, 10)}\n`;
    const fwd = FWD_NAME[e.forwarding] ?? '(null)';
    if (format & FMT.TUN_INFO) return `${d} ${pad(fwd, 7)} ${pad(tunnelInfo(e), 13)} ${pad(e.weight, 6)} ${pad(e.activeConnections, 10)} ${pad(e.inactiveConnections, 10)}\n`;
    return `${d} ${pad(fwd, 7)} ${pad(e.weight, 6)} ${pad(e.activeConnections, 10)} ${pad(e.inactiveConnections, 10)}\n`;
  }

  /** list_conn(): the connection table as /proc/net/ip_vs_conn has it. */
  async listConnections(format: number): Promise<void> {
    const rows = await this.ipvs.connections();
    const out = ['IPVS connection entries\n'];
    out.push(
      format & FMT.PERSISTENTCONN
        ? `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} ${pad('destination', 18)} ${pad('pe name', 16)} pe_data\n`
        : `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} destination\n`,
    );
    for (const c of rows) out.push(await this.connectionLine(c, format));
    this.out.write(out.join(''));
  }

  private async connectionLine(c: Connection, format: number): Promise<string> {
    const protocol = c.protocol === 'icmpv6' ? 'ICMPv6' : c.protocol.toUpperCase();
    const proto = PROTO_NUMBER[c.protocol as keyof typeof PROTO_NUMBER] ?? 0;
    // The kernel names the one UDP state "UDP"; the package reads it as 'NONE'.
    const state = c.protocol === 'udp' && !c.template && c.state === 'NONE' ? 'UDP' : c.state;
    const expire = `${String(Math.floor(c.expires / 60)).padStart(2, '0')}:${String(c.expires % 60).padStart(2, '0')}`;
    const cname = await this.endpoint(c.clientAddress, c.clientPort, proto, format);
    const vname = await this.endpoint(c.virtualAddress, c.virtualPort, proto, format);
    const dname = await this.endpoint(c.destinationAddress, c.destinationPort, proto, format);
    const head = `${pad(protocol, 3)} ${pad(expire, 6)} ${pad(state, 11)} ${pad(cname, 18)} ${pad(vname, 18)}`;
    if (format & FMT.PERSISTENTCONN && c.pe) {
      // sscanf's %s: the data up to its first blank.
      return `${head} ${pad(dname, 16)} ${pad(c.pe.name, 18)} ${c.pe.data.split(/[ \t\n\v\f\r]/)[0]}\n`;
    }
    return `${head} ${dname}\n`;
  }

  async listTimeouts(): Promise<void> {
    const t = await this.ipvs.timeouts();
    this.out.write(`Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`);
  }

  async listDaemons(): Promise<void> {
    for (const d of await this.ipvs.daemons()) {
      let line = `${d.state} sync daemon (mcast=${d.interface}, syncid=${d.syncId}`;
      if (d.maxLength) line += `, maxlen=${d.maxLength}`;
      if (d.group) line += `, group=${d.group}`;
      if (d.port) line += `, port=${d.port}`;
      if (d.ttl) line += `, ttl=${d.ttl}`;
      this.out.write(`${line})\n`);
    }
  }
}

/** print_sched_flags(): names by scheduler, comma-separated. */
function schedFlags(se: Service): string {
  const f = se.flags;
  const names =
    se.scheduler === 'sh'
      ? [f.schedFlag1 && 'sh-fallback', f.schedFlag2 && 'sh-port']
      : se.scheduler === 'mh'
        ? [f.schedFlag1 && 'mh-fallback', f.schedFlag2 && 'mh-port']
        : [f.schedFlag1 && 'flag-1', f.schedFlag2 && 'flag-2', f.schedFlag3 && 'flag-3'];
  return names.filter(Boolean).join(',');
}

/** fwd_tun_info(): 'ipip', 'gue:<port>:<csum>', 'gre:<csum>', else 'n/a'. */
function tunnelInfo(e: Destination): string {
  const t = e.forwarding === 'tunnel' ? e.tunnel : undefined;
  if (!t) return 'n/a';
  if (t.type === 'ipip') return 'ipip';
  if (t.type === 'gue') return `gue:${t.port}:${CSUM_INFO[t.checksum]}`;
  return `gre:${CSUM_INFO[t.checksum]}`;
}
