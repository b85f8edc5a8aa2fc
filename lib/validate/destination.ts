/**
 * Destination keys and specs: user input -> raw kernel objects, or an argument error.
 * @module
 */
import { AF, FORWARDING, MAX_WEIGHT, TUNNEL_CHECKSUM, TUNNEL_TYPE } from '../constants';
import { hostPort } from '../describe';
import { invalidValue } from '../errors';
import type { RawDestination } from '../native';
import type { Family, Forwarding, TunnelChecksum, TunnelType } from '../types';
import { address } from './address';
import { integer, knownKeys, object, oneOf, optionalInteger } from './primitives';

export interface CheckedDestination {
  raw: RawDestination;
  label: string;
}

const KEY_FIELDS = ['address', 'port', 'family'];
const SETTINGS = ['forwarding', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel'];
const READ_ONLY = ['activeConnections', 'inactiveConnections', 'persistentConnections', 'stats'];
const ALL_KEYS = new Set([...KEY_FIELDS, ...SETTINGS, ...READ_ONLY]);
const MAX_THRESHOLD = 2147483647;

function checkKey(v: unknown, name: string): { o: Record<string, unknown>; family: Family; raw: RawDestination; label: string } {
  const o = object(name, v);
  knownKeys(name, o, ALL_KEYS);
  const addr = address(`${name}.address`, o.address);
  if (o.family !== undefined && o.family !== addr.family) throw invalidValue(`${name}.family`, o.family, `does not match the address ${addr.address}`);
  const port = integer(`${name}.port`, o.port, 0, 65535);
  return { o, family: addr.family, raw: { family: AF[addr.family], address: addr.address, port }, label: hostPort(addr.address, port, addr.family) };
}

/** Identity only, for deleteDestination. */
export function checkDestinationKey(v: unknown, name = 'destination'): CheckedDestination {
  const { raw, label } = checkKey(v, name);
  return { raw, label };
}

export function checkDestinationSpec(v: unknown, serviceFamily: Family, name = 'destination'): CheckedDestination {
  const { o, family, raw, label } = checkKey(v, name);
  const forwarding: Forwarding = o.forwarding === undefined ? 'masq' : oneOf(`${name}.forwarding`, o.forwarding, Object.keys(FORWARDING) as Forwarding[]);
  if (family !== serviceFamily && forwarding !== 'tunnel') {
    throw invalidValue(`${name}.address`, raw.address, `is ${family === 'inet' ? 'IPv4' : 'IPv6'} while the service is not: mixed address families need forwarding 'tunnel'`);
  }
  const weight = optionalInteger(`${name}.weight`, o.weight, 0, MAX_WEIGHT, 1);
  const upperThreshold = optionalInteger(`${name}.upperThreshold`, o.upperThreshold, 0, MAX_THRESHOLD, 0);
  const lowerThreshold = optionalInteger(`${name}.lowerThreshold`, o.lowerThreshold, 0, MAX_THRESHOLD, 0);
  if (lowerThreshold > upperThreshold) {
    throw invalidValue(`${name}.lowerThreshold`, lowerThreshold, `must not exceed upperThreshold (${upperThreshold})`);
  }
  const tunnel = o.tunnel === undefined ? NO_TUNNEL : checkTunnel(o.tunnel, forwarding, `${name}.tunnel`);
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
    label,
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
