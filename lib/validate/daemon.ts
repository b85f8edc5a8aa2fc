/**
 * Sync daemon options, with ipvsadm's ranges (--syncid 0..255, --sync-maxlen
 * 1..65507, --mcast-port 1..65535, --mcast-ttl 1..255). Options not given are
 * not sent: the kernel then uses its defaults.
 * @module
 */
import { isIPv4 } from 'node:net';
import { DAEMON_STATE } from '../constants';
import type { RawDaemon } from '../native';
import { invalidType, invalidValue } from '../errors';
import { address } from './address';
import { integer, knownKeys, object, oneOf } from './primitives';

export function checkDaemonState(name: string, v: unknown): number {
  return DAEMON_STATE[oneOf(name, v, ['master', 'backup'] as const)];
}

/** Linux interface names: 1..15 bytes, no '/', ':' or whitespace (dev_valid_name). */
function interfaceName(name: string, v: unknown): string {
  if (typeof v !== 'string') throw invalidType(name, 'of type string', v);
  if (v.length === 0 || Buffer.byteLength(v) > 15 || v === '.' || v === '..' || /[/:\s\0]/.test(v)) {
    throw invalidValue(name, v, 'must be a network interface name (1 to 15 characters, no "/", ":" or spaces)');
  }
  return v;
}

function multicastGroup(name: string, v: unknown): string {
  const a = address(name, v).address;
  // IPv4 224.0.0.0/4; IPv6 ff00::/8 (first group of four hex digits, ff..).
  const multicast = isIPv4(a) ? Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) <= 239 : /^ff[0-9a-f]{2}:/i.test(a);
  if (!multicast) throw invalidValue(name, v, 'must be an IPv4 or IPv6 multicast address');
  return a;
}

export function checkDaemonSpec(v: unknown): RawDaemon {
  const o = object('daemon', v);
  knownKeys('daemon', o, new Set(['state', 'interface', 'syncId', 'maxLength', 'group', 'port', 'ttl']));
  const opt = (key: string, min: number, max: number) => (o[key] === undefined ? 0 : integer(`daemon.${key}`, o[key], min, max));
  return {
    state: checkDaemonState('daemon.state', o.state),
    interface: interfaceName('daemon.interface', o.interface),
    syncId: opt('syncId', 0, 255),
    maxLength: opt('maxLength', 1, 65507),
    group: o.group === undefined ? '' : multicastGroup('daemon.group', o.group),
    port: opt('port', 1, 65535),
    ttl: opt('ttl', 1, 255),
  };
}
