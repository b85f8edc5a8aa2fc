/**
 * Label values as node_exporter writes them, so that series match its ones
 * exactly: addresses as Go's net.IP.String(), fwmarks as the kernel's %08X,
 * numbers in decimal, protocols in upper case.
 * @module
 */
import { ipv6Groups } from '../validate/address';

/**
 * A canonical address (as this package reports them, inet_ntop's form) as
 * Go prints it. They differ only for IPv6 with an IPv4 tail: Go prints an
 * IPv4-mapped address as plain IPv4 ('::ffff:1.2.3.4' -> '1.2.3.4') and any
 * other in hex ('::1.2.3.4' -> '::102:304').
 */
export function goAddress(canonical: string): string {
  if (!canonical.includes('.') || !canonical.includes(':')) return canonical;
  const w = ipv6Groups(canonical);
  if (w.slice(0, 5).every((g) => g === 0) && w[5] === 0xffff) {
    return `${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
  }
  // The longest run of two or more zero groups (the first of equals) becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number, b: number) => w.slice(a, b).map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/** A fwmark as /proc/net/ip_vs prints it: 8 upper-case hex digits. */
export function markLabel(fwmark: number): string {
  return fwmark.toString(16).toUpperCase().padStart(8, '0');
}
