/**
 * A parsed ipvsadm command -> the package's arguments (service keys and
 * specs, destination specs), and the libipvs call whose messages its errors
 * take.
 * @module
 */
import type { DestinationSpec, ServiceKey, ServiceSpec } from '../../lib/index';
import { AF_INET6, FWD, IPPROTO, SVC_F, type Command, type Dest, type Svc } from './command';
import { ipv4ToString } from './c-parse';
import type { Call } from './messages';
import { CMD } from './options';

const CALLS: Record<number, Call> = {
  [CMD.FLUSH]: 'flush', [CMD.ADD]: 'addService', [CMD.EDIT]: 'updateService', [CMD.DEL]: 'deleteService',
  [CMD.ZERO]: 'zero', [CMD.ADDDEST]: 'addDestination', [CMD.EDITDEST]: 'updateDestination',
  [CMD.DELDEST]: 'deleteDestination', [CMD.TIMEOUT]: 'setTimeouts', [CMD.STARTDAEMON]: 'startDaemon', [CMD.STOPDAEMON]: 'stopDaemon',
};

/** The libipvs call behind a changing command (for its error messages). */
export const callOf = (c: Command): Call => CALLS[c.cmd] ?? 'init';

const PROTOCOLS = { [IPPROTO.TCP]: 'tcp', [IPPROTO.UDP]: 'udp', [IPPROTO.SCTP]: 'sctp' } as const;

export function serviceKey(s: Svc): ServiceKey {
  if (s.fwmark) return { fwmark: s.fwmark, family: s.af === AF_INET6 ? 'inet6' : 'inet' };
  return { protocol: PROTOCOLS[s.protocol as keyof typeof PROTOCOLS], address: s.addr, port: s.port };
}

export function serviceSpec(s: Svc): ServiceSpec {
  const spec = serviceKey(s) as ServiceSpec;
  spec.scheduler = s.sched;
  if (s.flags & (SVC_F.ONEPACKET | SVC_F.SCHED1 | SVC_F.SCHED2 | SVC_F.SCHED3)) {
    spec.flags = {
      onePacket: !!(s.flags & SVC_F.ONEPACKET),
      schedFlag1: !!(s.flags & SVC_F.SCHED1),
      schedFlag2: !!(s.flags & SVC_F.SCHED2),
      schedFlag3: !!(s.flags & SVC_F.SCHED3),
    };
  }
  if (s.flags & SVC_F.PERSISTENT) spec.persistence = { timeout: s.timeout, netmask: s.af === AF_INET6 ? s.netmask : ipv4ToString(s.netmask) };
  if (s.pe) spec.pe = s.pe;
  return spec;
}

const FORWARDING = { [FWD.MASQ]: 'masq', [FWD.LOCALNODE]: 'local', [FWD.TUNNEL]: 'tunnel', [FWD.DROUTE]: 'route' } as const;
const TUNNEL_TYPES = ['ipip', 'gue', 'gre'] as const;
const CHECKSUMS = ['none', 'csum', 'remcsum'] as const;

export function destinationSpec(d: Dest): DestinationSpec {
  const spec: DestinationSpec = {
    address: d.addr,
    port: d.port,
    forwarding: FORWARDING[d.fwd as keyof typeof FORWARDING],
    weight: d.weight,
    upperThreshold: d.upper,
    lowerThreshold: d.lower,
  };
  if (d.fwd === FWD.TUNNEL) {
    const type = TUNNEL_TYPES[d.tunType]!;
    spec.tunnel = { type, checksum: CHECKSUMS[d.tunFlags]!, ...(type === 'gue' && { port: d.tunPort }) };
  }
  return spec;
}
