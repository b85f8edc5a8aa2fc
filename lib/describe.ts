/**
 * Services and destinations as text, in ipvsadm's notation ('TCP 10.1.0.1:80',
 * 'FWM 1 IPv6', '[2001:db8::1]:80'), for error messages.
 * @module
 */
import { familyOf, publicServiceKey } from './convert';
import type { RawDestination, RawServiceKey } from './native';
import type { Family } from './types';

export function hostPort(address: string, port: number, family: Family): string {
  return family === 'inet6' ? `[${address}]:${port}` : `${address}:${port}`;
}

export function describeService(key: { protocol?: string; address?: string; port?: number; fwmark?: number; family: Family }): string {
  if (key.fwmark) return `FWM ${key.fwmark}${key.family === 'inet6' ? ' IPv6' : ''}`;
  return `${String(key.protocol).toUpperCase()} ${hostPort(String(key.address), key.port ?? 0, key.family)}`;
}

/** describeService() for a raw key. */
export function describeRawService(k: RawServiceKey): string {
  return describeService({ ...publicServiceKey(k), family: familyOf(k.family) });
}

/** hostPort() for a raw destination of a service of family `serviceFamily`. */
export function describeRawDestination(d: RawDestination, serviceFamily: number): string {
  return hostPort(d.address, d.port, familyOf(d.family ?? serviceFamily));
}
