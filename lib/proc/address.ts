/**
 * Addresses as /proc/net/ip_vs* print them -> as people write them. IPv4 is
 * the host-order hex of the address ('C0A80001'); IPv6 the full form
 * ('2001:0db8:0000:...'), compressed here exactly as inet_ntop() does, so
 * rows compare equal to what ipvsadm and the netlink API show.
 * @module
 */

/** An IPv4 address as the kernel prints it: %08X. */
export const HEX_V4 = /^[0-9A-Fa-f]{8}$/;
/** An IPv6 address as the kernel prints it: %pI6, eight groups of four hex digits. */
export const FULL_V6 = /^[0-9A-Fa-f]{4}(?::[0-9A-Fa-f]{4}){7}$/;

/** 'C0A80001' -> '192.168.0.1'. */
export function ipv4FromHex(hex: string): string {
  const n = parseInt(hex, 16);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The 8 groups of a full-form IPv6 address ('2001:0db8:0000:...'). */
function groups(full: string): number[] {
  const w = new Array<number>(8);
  for (let i = 0; i < 8; i++) w[i] = parseInt(full.substr(i * 5, 4), 16);
  return w;
}

/** Full form -> inet_ntop's form: longest run (>= 2) of zero groups as '::', embedded IPv4 dotted. */
export function ipv6FromFull(full: string): string {
  const w = groups(full);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + bestLen) {
      if (i === best) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // ::a.b.c.d and ::ffff:a.b.c.d, as glibc prints them
    if (i === 6 && best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      return `${out}${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
    }
    out += w[i]!.toString(16);
  }
  if (best >= 0 && best + bestLen === 8) out += ':';
  return out;
}

/** The first 32 bits of an address token as a number (fwmark templates store the mark there). */
export function leadingWord(token: string): number {
  return token.length === 8 ? parseInt(token, 16) : parseInt(token.substr(0, 4) + token.substr(5, 4), 16);
}
