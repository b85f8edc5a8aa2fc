/**
 * Destination keys and specs: user input -> raw kernel objects, or an argument error.
 * @module
 */
import { AF, FORWARDING, MAX_WEIGHT, TUNNEL_CHECKSUM, TUNNEL_TYPE } from '../constants';
import { invalidValue, type Name } from '../errors';
import type { RawDestination } from '../native';
import type { Family, Forwarding, TunnelChecksum, TunnelType } from '../types';
import { address, addressFamily } from './address';
import { integer, isInteger, knownKeys, object, oneOf } from './primitives';

export interface CheckedDestination {
  raw: RawDestination;
}

const KEY_FIELDS = ['address', 'port', 'family'];
const SETTINGS = ['forwarding', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel'];
const READ_ONLY = ['activeConnections', 'inactiveConnections', 'persistentConnections', 'stats'];
const ALL_KEYS = new Set([...KEY_FIELDS, ...SETTINGS, ...READ_ONLY]);
const MAX_THRESHOLD = 2147483647;

// The checks run for every destination of a large apply(): each test is done
// inline first, and a message (with the property's path) is built only when
// it fails.

function checkKey(v: unknown, name: Name): { o: Record<string, unknown>; family: Family; raw: RawDestination } {
  const o = object(name, v);
  knownKeys(name, o, ALL_KEYS);
  const family = addressFamily(o.address) ?? address(`${String(name)}.address`, o.address).family;
  if (o.family !== undefined && o.family !== family) throw invalidValue(`${String(name)}.family`, o.family, `does not match the address ${String(o.address)}`);
  const port = isInteger(o.port, 0, 65535) ? o.port : integer(`${String(name)}.port`, o.port, 0, 65535);
  return { o, family, raw: { family: AF[family], address: o.address as string, port } };
}

/** Identity only, for deleteDestination. */
export function checkDestinationKey(v: unknown, name: Name = 'destination'): CheckedDestination {
  return { raw: checkKey(v, name).raw };
}

const FORWARDINGS = Object.keys(FORWARDING) as Forwarding[];

function setting(name: Name, field: string, v: unknown, max: number, fallback: number): number {
  return v === undefined ? fallback : isInteger(v, 0, max) ? v : integer(`${String(name)}.${field}`, v, 0, max);
}

export function checkDestinationSpec(v: unknown, serviceFamily: Family, name: Name = 'destination'): CheckedDestination {
  const { o, family, raw } = checkKey(v, name);
  const f = o.forwarding;
  const forwarding: Forwarding = f === undefined ? 'masq' : f === 'masq' || f === 'route' || f === 'tunnel' || f === 'local' ? f : oneOf(`${String(name)}.forwarding`, f, FORWARDINGS);
  if (family !== serviceFamily && forwarding !== 'tunnel') {
    throw invalidValue(`${String(name)}.address`, raw.address, `is ${family === 'inet' ? 'IPv4' : 'IPv6'} while the service is not: mixed address families need forwarding 'tunnel'`);
  }
  const weight = setting(name, 'weight', o.weight, MAX_WEIGHT, 1);
  const upperThreshold = setting(name, 'upperThreshold', o.upperThreshold, MAX_THRESHOLD, 0);
  const lowerThreshold = setting(name, 'lowerThreshold', o.lowerThreshold, MAX_THRESHOLD, 0);
  if (lowerThreshold > upperThreshold) {
    throw invalidValue(`${String(name)}.lowerThreshold`, lowerThreshold, `must not exceed upperThreshold (${upperThreshold})`);
  }
  const tunnel = o.tunnel === undefined ? NO_TUNNEL : checkTunnel(o.tunnel, forwarding, `${String(name)}.tunnel`);
  return {
    raw: {
      family: raw.family,
      address: raw.address,
      port: raw.port,
      forwarding: FORWARDING[forwarding],
      weight,
      upperThreshold,
      lowerThreshold,
      tunnelType: tunnel.tunnelType,
      tunnelPort: tunnel.tunnelPort,
      tunnelFlags: tunnel.tunnelFlags,
    },
  };
}

const NO_TUNNEL = { tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 } as const;

/** ipvsadm's rules: tunnel options only with 'tunnel'; GUE needs a port; GRE no port, no remcsum. */
function checkTunnel(v: unknown, forwarding: Forwarding, name: string) {
  if (forwarding !== 'tunnel') throw invalidValue(name, v, "is only allowed with forwarding 'tunnel'");
  const t = object(name, v);
  knownKeys(name, t, new Set(['type', 'port', 'checksum']));
  const type = t.type === undefined ? 'ipip' : oneOf(`${name}.type`, t.type, Object.keys(TUNNEL_TYPE) as TunnelType[]);
  const checksum = t.checksum === undefined ? 'none' : oneOf(`${name}.checksum`, t.checksum, Object.keys(TUNNEL_CHECKSUM) as TunnelChecksum[]);
  let port = 0;
  if (type === 'gue') {
    if (t.port === undefined) throw invalidValue(`${name}.port`, t.port, 'is required for GUE tunnels');
    port = integer(`${name}.port`, t.port, 1, 65535);
  } else if (t.port !== undefined && t.port !== 0) {
    throw invalidValue(`${name}.port`, t.port, `is only for GUE tunnels, not ${type}`);
  }
  if (type === 'ipip' && checksum !== 'none') throw invalidValue(`${name}.checksum`, checksum, 'is not supported by IPIP tunnels');
  if (type === 'gre' && checksum === 'remcsum') throw invalidValue(`${name}.checksum`, checksum, 'is only for GUE tunnels');
  return { tunnelType: TUNNEL_TYPE[type], tunnelPort: port, tunnelFlags: TUNNEL_CHECKSUM[checksum] };
}
