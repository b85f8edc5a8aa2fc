/**
 * /proc/net/ip_vs_conn and /proc/net/ip_vs_conn_sync rows -> Connection.
 *
 *   Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
 *   TCP C0A83C02 DEB8 0A000032 0050 C0A83202 1F90 ESTABLISHED     705
 *   IP  C0A83C00 0000 00000001 0000 C0A83202 0000 ASSURED         112
 *
 * ip_vs_conn_sync has "State Origin Expires" and no PE columns. Columns widen
 * for long values, so fields are split on runs of spaces.
 * @module
 */
import type { Connection, Family } from '../types';
import { FULL_V6, HEX_V4, ipv4FromHex, ipv6FromFull, leadingWord } from './address';

// A Map, not an object: a name such as "constructor" would find Object.prototype's.
const PROTOCOLS = new Map([['TCP', 'tcp'], ['UDP', 'udp'], ['SCTP', 'sctp'], ['IP', 'ip'], ['ICMP', 'icmp'], ['ICMPv6', 'icmpv6']]);

// Start and end offsets of the fields of the line being parsed.
const MAX_FIELDS = 11;
const bounds = new Int32Array(MAX_FIELDS * 2);

/** Finds up to `max` space-separated fields in [start, end); returns how many. */
function fields(text: string, start: number, end: number, max: number): number {
  let n = 0;
  let i = start;
  while (n < max) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    bounds[2 * n] = i;
    while (i < end && text.charCodeAt(i) !== 32) i++;
    bounds[2 * n + 1] = i;
    n++;
  }
  return n;
}

const field = (text: string, k: number) => text.slice(bounds[2 * k]!, bounds[2 * k + 1]!);

/** A hex or decimal field as a number, without making a string of it. */
function numberField(text: string, k: number, radix: 10 | 16): number {
  let v = 0;
  for (let i = bounds[2 * k]!; i < bounds[2 * k + 1]!; i++) {
    const c = text.charCodeAt(i);
    const l = c | 32;
    const d = c >= 48 && c <= 57 ? c - 48 : l >= 97 && l <= 102 ? l - 87 : 99; // '0'-'9', 'a'-'f' / 'A'-'F'
    if (d >= radix) return NaN;
    v = v * radix + d;
  }
  return v;
}

// Services and real servers are few: their addresses repeat on every row.
const cache = new Map<string, string>();

/** The address in field k; '' when it is not one (then the line is not a row). */
function address(text: string, k: number): string {
  const hex = field(text, k);
  let a = cache.get(hex);
  if (a === undefined) {
    a = HEX_V4.test(hex) ? ipv4FromHex(hex) : FULL_V6.test(hex) ? ipv6FromFull(hex) : '';
    if (cache.size >= 4096) cache.clear();
    cache.set(hex, a);
  }
  return a;
}

// A few dozen state names: one string each, not one per row.
const states = new Map<string, string>();

function state(name: string): string {
  const known = states.get(name);
  if (known !== undefined) return known;
  if (states.size < 256) states.set(name, name);
  return name;
}

/** Parses one row; undefined for the header and for lines that are not rows. */
export function parseConnectionLine(text: string, start: number, end: number, withOrigin: boolean): Connection | undefined {
  const want = withOrigin ? 10 : 9;
  const found = fields(text, start, end, want + 1);
  if (found < want) return undefined;
  const proto = field(text, 0);
  if (proto === 'Pro') return undefined;
  const protocol = PROTOCOLS.get(proto) ?? proto.toLowerCase();
  const clientPort = numberField(text, 2, 16);
  const kernelState = state(field(text, 7));
  // Templates are the only entries with client port 0; their states are NONE/ASSURED.
  const template = clientPort === 0 && (kernelState === 'NONE' || kernelState === 'ASSURED');
  const c: Connection = {
    protocol,
    family: (bounds[3]! - bounds[2]! === 8 ? 'inet' : 'inet6') as Family,
    clientAddress: address(text, 1),
    clientPort,
    virtualAddress: address(text, 3),
    virtualPort: numberField(text, 4, 16),
    destinationAddress: address(text, 5),
    destinationPort: numberField(text, 6, 16),
    // IPVS has one UDP state, which the kernel prints as "UDP": no state.
    state: kernelState === 'UDP' && protocol === 'udp' ? 'NONE' : kernelState,
    expires: numberField(text, want - 1, 10),
    template,
  };
  if (template && protocol === 'ip') c.fwmark = leadingWord(field(text, 3));
  if (withOrigin) {
    c.origin = field(text, 8) === 'SYNC' ? 'sync' : 'local';
  } else if (found > want) {
    // " <pe name> <pe data>": the data is the rest of the line, as the PE printed it.
    const nameEnd = bounds[2 * want + 1]!;
    // The text is Latin-1 (one char per byte); PE data such as SIP Call-IDs is UTF-8.
    const data = nameEnd + 1 < end ? Buffer.from(text.slice(nameEnd + 1, end), 'latin1').toString('utf8') : '';
    c.pe = { name: text.slice(bounds[2 * want]!, nameEnd), data };
  }
  // Not hex or decimal where numbers belong, an expiry past 2^53 s, ports of over four digits,
  // addresses that are not addresses, a client of another family than the
  // service: not a row. (The real server's family may differ.)
  if (Number.isNaN(clientPort + c.virtualPort + c.destinationPort) || !Number.isSafeInteger(c.expires)) return undefined;
  for (const k of [2, 4, 6]) if (bounds[2 * k + 1]! - bounds[2 * k]! > 4) return undefined; // ports: %04X
  if (!c.clientAddress || !c.virtualAddress || !c.destinationAddress) return undefined;
  if (bounds[7]! - bounds[6]! !== bounds[3]! - bounds[2]!) return undefined; // client and service: one family
  return c;
}

/**
 * Parses the complete lines of `text` (a chunk of the file that ends at a
 * line end), appending the rows `keep` accepts to `out`.
 */
export function parseConnections(text: string, withOrigin: boolean, out: Connection[], keep?: (c: Connection) => boolean): void {
  const len = text.length;
  for (let pos = 0; pos < len; ) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = parseConnectionLine(text, pos, eol, withOrigin);
    if (c !== undefined && (keep === undefined || keep(c))) out.push(c);
    pos = eol + 1;
  }
}
