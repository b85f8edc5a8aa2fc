/**
 * Raw kernel objects from the addon -> the public types (services and
 * destinations come as records: lib/records.ts).
 * @module
 */
import { DAEMON_STATE, nameOf, PROTOCOL } from './constants';
import type { RawDaemon, RawInfo, RawServiceKey } from './native';
import type { Daemon, Family, Info, ServiceKey } from './types';
import { canonicalAddress } from './validate/address';

export function familyOf(af: number): Family {
  return af === 10 ? 'inet6' : 'inet';
}

/** A raw key as users write keys: { protocol, address, port } or { fwmark, family }. */
export function publicServiceKey(k: RawServiceKey): ServiceKey {
  if (k.fwmark) return { fwmark: k.fwmark, family: familyOf(k.family) };
  // The kernel does not validate protocols: show unknown numbers rather than lie.
  return { protocol: nameOf(PROTOCOL, k.protocol) ?? (String(k.protocol) as 'tcp'), address: canonicalAddress(k.address), port: k.port };
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
