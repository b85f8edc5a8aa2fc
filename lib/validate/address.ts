/**
 * IP addresses and persistence netmasks: validation and the netmask's
 * conversion to and from the kernel's number.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { invalidType, invalidValue, outOfRange, type Name } from '../errors';
import { ipv6FromFull } from '../proc/address';
import type { Family } from '../types';

/** The family of a valid address; undefined for anything else. */
export function addressFamily(v: unknown): Family | undefined {
  if (typeof v !== 'string') return undefined;
  if (isIPv4(v)) return 'inet';
  // IPVS keys have no scope: refuse zone ids ('fe80::1%eth0') that isIPv6 allows.
  if (isIPv6(v) && !v.includes('%')) return 'inet6';
  return undefined;
}

export function address(name: Name, v: unknown): { address: string; family: Family } {
  if (typeof v !== 'string') throw invalidType(name, 'of type string', v);
  if (v.includes('%')) throw invalidValue(name, v, 'must not carry a zone id');
  const family = addressFamily(v);
  if (!family) throw invalidValue(name, v, 'must be an IPv4 or IPv6 address');
  return { address: v, family };
}

export function family(name: Name, v: unknown): Family | undefined {
  if (v === undefined) return undefined;
  if (v !== 'inet' && v !== 'inet6') throw invalidValue(name, v, "must be 'inet' or 'inet6'");
  return v;
}

/** The kernel's netmask value: IPv4 mask as a 32-bit number, IPv6 prefix length. */
export function netmaskToRaw(name: Name, v: unknown, fam: Family): number {
  if (fam === 'inet6') {
    if (v === undefined) return 128;
    if (typeof v !== 'number') throw invalidType(name, 'an IPv6 prefix length (number)', v);
    if (!Number.isInteger(v) || v < 1 || v > 128) throw outOfRange(name, 'an integer >= 1 && <= 128', v);
    return v;
  }
  if (v === undefined) return 0xffffffff;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 32) throw outOfRange(name, 'an integer >= 0 && <= 32', v);
    return v === 0 ? 0 : (0xffffffff << (32 - v)) >>> 0;
  }
  if (typeof v !== 'string') throw invalidType(name, "an IPv4 mask ('255.255.255.0') or prefix length", v);
  if (!isIPv4(v)) throw invalidValue(name, v, "must be an IPv4 mask such as '255.255.255.0'");
  return v.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}

export function netmaskFromRaw(raw: number, fam: Family): string | number {
  if (fam === 'inet6') return raw;
  return [24, 16, 8, 0].map((shift) => (raw >>> shift) & 0xff).join('.');
}

/** The eight 16-bit groups of a valid IPv6 address ('::ffff:1.2.3.4' included). */
export function ipv6Groups(valid: string): number[] {
  let text = valid;
  // An embedded IPv4 tail becomes two groups.
  const dot = text.lastIndexOf('.');
  if (dot >= 0) {
    const colon = text.lastIndexOf(':');
    const [a, b, c, d] = text.slice(colon + 1).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16));
}

/**
 * A valid address as inet_ntop() writes it (and the kernel's replies show
 * it): IPv4 is already canonical once valid; IPv6 is expanded and compressed
 * again ('2001:DB8:0::1' -> '2001:db8::1').
 */
export function canonicalAddress(valid: string): string {
  if (!valid.includes(':')) return valid;
  return ipv6FromFull(ipv6Groups(valid).map((g) => g.toString(16).padStart(4, '0')).join(':'));
}
