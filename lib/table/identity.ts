/**
 * What makes two services or destinations the same object, and when their
 * settings are equal: the one definition apply() and watch() compare by.
 * Identities use canonical addresses (inet_ntop's form), so '2001:db8:0::1'
 * and '2001:db8::1' are one service.
 * @module
 */
import type { RawDestination, RawService, RawServiceKey } from '../native';
import { canonicalAddress } from '../validate/address';

// Port numbers as text, made once: ids are built for every object of a large table.
const PORTS: string[] = [];
function portText(p: number): string {
  return (PORTS[p] ??= String(p));
}

export function serviceId(k: RawServiceKey): string {
  return k.fwmark ? `fwm ${k.family} ${k.fwmark}` : `${k.protocol} ${canonicalAddress(k.address)} ${portText(k.port)}`;
}

export function destinationId(d: RawDestination): string {
  return `${canonicalAddress(d.address)} ${portText(d.port)}`;
}

export function serviceSettings(s: RawService): string {
  return `${s.scheduler} ${s.pe} ${s.flags} ${s.timeout} ${s.netmask}`;
}

export function destinationSettings(d: RawDestination): string {
  return `${d.forwarding} ${d.weight} ${d.upperThreshold} ${d.lowerThreshold} ${d.tunnelType} ${d.tunnelPort} ${d.tunnelFlags}`;
}
