/**
 * Raw kernel objects from the addon -> the public types (services and
 * destinations come as records: lib/records.ts).
 * @module
 */
import { DAEMON_STATE, nameOf } from './constants';
import type { RawDaemon, RawInfo } from './native';
import type { Daemon, Info } from './types';

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
