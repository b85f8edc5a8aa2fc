/**
 * Service keys and specs: user input -> raw kernel objects, or an argument error.
 * @module
 */
import { AF, MAX_PERSISTENCE_TIMEOUT, NAME_MAX_LENGTH, PROTOCOL, SVC_FLAG } from '../constants';
import { invalidValue, type Name } from '../errors';
import type { RawService, RawServiceKey } from '../native';
import type { Family, Protocol } from '../types';
import { address, family as familyOf, netmaskToRaw } from './address';
import { boolean, integer, knownKeys, moduleName, object, oneOf } from './primitives';

export interface CheckedKey {
  raw: RawServiceKey;
  family: Family;
}

const KEY_FIELDS = ['protocol', 'address', 'port', 'fwmark', 'family'];
const SETTINGS = ['scheduler', 'persistence', 'flags', 'pe'];
// Read-only fields of a Service, accepted so that read results can be passed back.
const READ_ONLY = ['stats', 'destinations'];
// A whole Service is accepted where a key is expected.
const ALLOWED = new Set([...KEY_FIELDS, ...SETTINGS, ...READ_ONLY]);
const PROTOCOLS = Object.keys(PROTOCOL) as Protocol[];

export function checkServiceKey(v: unknown, name: Name = 'service'): CheckedKey {
  const o = object(name, v);
  knownKeys(name, o, ALLOWED);
  const declared = familyOf(`${String(name)}.family`, o.family);
  if (o.fwmark !== undefined) {
    for (const k of ['protocol', 'address', 'port']) {
      if (o[k] !== undefined) throw invalidValue(`${String(name)}.${k}`, o[k], 'must not be given with fwmark (a service is either fwmark or protocol/address/port)');
    }
    const fwmark = integer(`${String(name)}.fwmark`, o.fwmark, 1, 0xffffffff);
    const fam = declared ?? 'inet';
    return { raw: { family: AF[fam], protocol: 0, address: '', port: 0, fwmark }, family: fam };
  }
  const protocol = oneOf(`${String(name)}.protocol`, o.protocol, PROTOCOLS);
  const addr = address(`${String(name)}.address`, o.address);
  if (declared && declared !== addr.family) throw invalidValue(`${String(name)}.family`, declared, `does not match the ${addr.family === 'inet' ? 'IPv4' : 'IPv6'} address ${addr.address}`);
  const port = integer(`${String(name)}.port`, o.port, 0, 65535);
  return {
    raw: { family: AF[addr.family], protocol: PROTOCOL[protocol], address: addr.address, port, fwmark: 0 },
    family: addr.family,
  };
}

export function checkServiceSpec(v: unknown, name: Name = 'service'): CheckedKey & { raw: RawService } {
  const key = checkServiceKey(v, name);
  const o = object(name, v);
  const scheduler = o.scheduler === undefined ? 'wlc' : moduleName(`${String(name)}.scheduler`, o.scheduler, NAME_MAX_LENGTH);
  const pe = o.pe === undefined ? '' : moduleName(`${String(name)}.pe`, o.pe, NAME_MAX_LENGTH);

  let flags = 0;
  let timeout = 0;
  let netmask = netmaskToRaw(`${String(name)}.persistence.netmask`, undefined, key.family);
  if (o.persistence !== undefined) {
    const p = object(`${String(name)}.persistence`, o.persistence);
    knownKeys(`${String(name)}.persistence`, p, new Set(['timeout', 'netmask']));
    timeout = integer(`${String(name)}.persistence.timeout`, p.timeout, 1, MAX_PERSISTENCE_TIMEOUT);
    netmask = netmaskToRaw(`${String(name)}.persistence.netmask`, p.netmask, key.family);
    flags |= SVC_FLAG.persistent;
  }
  if (o.flags !== undefined) {
    const f = object(`${String(name)}.flags`, o.flags);
    knownKeys(`${String(name)}.flags`, f, new Set(['onePacket', 'schedFlag1', 'schedFlag2', 'schedFlag3']));
    for (const flag of ['onePacket', 'schedFlag1', 'schedFlag2', 'schedFlag3'] as const) {
      if (boolean(`${String(name)}.flags.${flag}`, f[flag])) flags |= SVC_FLAG[flag];
    }
    if (f.onePacket === true && key.raw.fwmark === 0 && key.raw.protocol !== PROTOCOL.udp) {
      throw invalidValue(`${String(name)}.flags.onePacket`, true, 'is only for UDP and fwmark services');
    }
  }
  // As ipvsadm: the kernel takes a non-persistent port-0 service but can never
  // schedule to it ("port zero only supported in persistent services").
  if (key.raw.fwmark === 0 && key.raw.port === 0 && !(flags & SVC_FLAG.persistent)) {
    throw invalidValue(`${String(name)}.port`, 0, 'may be 0 only for a persistent service (set persistence)');
  }
  // Literals, not spreads: this runs once per service of a large apply().
  const k = key.raw;
  return {
    raw: { family: k.family, protocol: k.protocol, address: k.address, port: k.port, fwmark: k.fwmark, scheduler, pe, flags, timeout, netmask },
    family: key.family,
  };
}
