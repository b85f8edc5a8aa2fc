/**
 * Raw kernel objects from the addon -> the public types.
 * @module
 */
import { DAEMON_STATE, FORWARDING, nameOf, PROTOCOL, SVC_FLAG, TUNNEL_CHECKSUM, TUNNEL_TYPE } from './constants';
import type { RawDaemon, RawDestinationEntry, RawInfo, RawServiceEntry } from './native';
import type { Daemon, Destination, Family, Info, Service } from './types';
import { netmaskFromRaw } from './validate/address';

export function familyOf(af: number): Family {
  return af === 10 ? 'inet6' : 'inet';
}

export function toService(raw: RawServiceEntry): Service {
  const family = familyOf(raw.family);
  const persistent = (raw.flags & SVC_FLAG.persistent) !== 0;
  const state = {
    family,
    scheduler: raw.scheduler,
    ...(persistent ? { persistence: { timeout: raw.timeout, netmask: netmaskFromRaw(raw.netmask, family) } } : {}),
    flags: {
      onePacket: (raw.flags & SVC_FLAG.onePacket) !== 0,
      schedFlag1: (raw.flags & SVC_FLAG.schedFlag1) !== 0,
      schedFlag2: (raw.flags & SVC_FLAG.schedFlag2) !== 0,
      schedFlag3: (raw.flags & SVC_FLAG.schedFlag3) !== 0,
    },
    ...(raw.pe ? { pe: raw.pe } : {}),
    stats: raw.stats,
  };
  if (raw.fwmark) return { fwmark: raw.fwmark, ...state };
  // The kernel does not validate protocols: show unknown numbers rather than lie.
  const protocol = nameOf(PROTOCOL, raw.protocol) ?? (String(raw.protocol) as 'tcp');
  return { protocol, address: raw.address, port: raw.port, ...state };
}

export function toDestination(raw: RawDestinationEntry): Destination {
  // Kernel values no client should set (4..7) show as their number, as protocols do.
  const forwarding = nameOf(FORWARDING, raw.forwarding) ?? (String(raw.forwarding) as 'masq');
  const tunnelFlags = raw.tunnelFlags;
  return {
    address: raw.address,
    port: raw.port,
    family: familyOf(raw.family),
    forwarding,
    weight: raw.weight,
    upperThreshold: raw.upperThreshold,
    lowerThreshold: raw.lowerThreshold,
    ...(forwarding === 'tunnel'
      ? {
          tunnel: {
            type: nameOf(TUNNEL_TYPE, raw.tunnelType) ?? (String(raw.tunnelType) as 'ipip'),
            port: raw.tunnelPort,
            checksum: tunnelFlags & TUNNEL_CHECKSUM.remcsum ? 'remcsum' : tunnelFlags & TUNNEL_CHECKSUM.csum ? 'csum' : 'none',
          },
        }
      : {}),
    activeConnections: raw.activeConnections,
    inactiveConnections: raw.inactiveConnections,
    persistentConnections: raw.persistentConnections,
    stats: raw.stats,
  };
}

export function toInfo(raw: RawInfo): Info {
  const v = raw.version;
  return { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`, connectionTableSize: raw.connectionTableSize };
}

export function toDaemon(raw: RawDaemon): Daemon {
  return {
    state: nameOf(DAEMON_STATE, raw.state) ?? (String(raw.state) as 'master'),
    interface: raw.interface,
    syncId: raw.syncId,
    maxLength: raw.maxLength,
    group: raw.group,
    port: raw.port,
    ttl: raw.ttl,
  };
}
