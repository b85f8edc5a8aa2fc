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

export function sameServiceSettings(a: RawService, b: RawService): boolean {
  return a.scheduler === b.scheduler && a.pe === b.pe && a.flags === b.flags && a.timeout === b.timeout && a.netmask === b.netmask;
}

export function sameDestinationSettings(a: RawDestination, b: RawDestination): boolean {
  return (
    a.forwarding === b.forwarding &&
    a.weight === b.weight &&
    a.upperThreshold === b.upperThreshold &&
    a.lowerThreshold === b.lowerThreshold &&
    a.tunnelType === b.tunnelType &&
    a.tunnelPort === b.tunnelPort &&
    a.tunnelFlags === b.tunnelFlags
  );
}
