/**
 * The order ipvsadm lists services and destinations in: glibc's qsort()
 * (a top-down merge sort for tables this size) with libipvs's comparators,
 * which subtract 32-bit values into an int. Differences of 2^31 or more
 * wrap, so IPv4 addresses far apart compare backwards and the order is not
 * even consistent; the same comparator run by the same algorithm gives the
 * same order, which is what byte-identical listings need.
 * @module
 */
import { isIPv4 } from 'node:net';
import type { Destination, Service } from '../../lib/index';
import { ipv6Groups } from '../../lib/validate/address';

/** glibc msort_with_tmp(): n1 = n/2, left element first when cmp <= 0. */
export function glibcMergeSort<T>(items: T[], cmp: (a: T, b: T) => number): T[] {
  if (items.length <= 1) return items;
  const n1 = items.length >> 1;
  const left = glibcMergeSort(items.slice(0, n1), cmp);
  const right = glibcMergeSort(items.slice(n1), cmp);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) out.push(cmp(left[i]!, right[j]!) <= 0 ? left[i++]! : right[j++]!);
  while (i < left.length) out.push(left[i++]!);
  while (j < right.length) out.push(right[j++]!);
  return out;
}

/** An address as four host-order 32-bit words (IPv4 in the first, as in union nf_inet_addr). */
export function addressWords(address: string): number[] {
  if (isIPv4(address)) return [address.split('.').reduce((w, o) => ((w << 8) | Number(o)) >>> 0, 0), 0, 0, 0];
  const g = ipv6Groups(address);
  return [0, 1, 2, 3].map((k) => ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0);
}

/** (int)(a - b) for unsigned 32-bit a and b. */
const diff32 = (a: number, b: number) => (a - b) | 0;

function compareAddresses(inet6: boolean, a: number[], b: number[]): number {
  let r = 0;
  for (let i = 0; r === 0 && i < (inet6 ? 4 : 1); i++) r = diff32(a[i]!, b[i]!);
  return r;
}

const AF = { inet: 2, inet6: 10 } as const;
const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;

interface Keyed<T> {
  item: T;
  words: number[];
}

/** ipvs_cmp_services(): fwmark, family, protocol, address, port. */
export function sortServices<S extends Service>(services: S[]): S[] {
  const keyed = services.map((item): Keyed<S> => ({ item, words: 'address' in item ? addressWords(item.address) : [0, 0, 0, 0] }));
  const fwmark = (s: Service) => ('fwmark' in s ? s.fwmark : 0);
  const proto = (s: Service) => ('protocol' in s ? PROTO[s.protocol] : 0);
  const port = (s: Service) => ('port' in s ? s.port : 0);
  return glibcMergeSort(keyed, (x, y) => {
    const a = x.item;
    const b = y.item;
    let r = diff32(fwmark(a), fwmark(b));
    if (r) return r;
    r = AF[a.family] - AF[b.family];
    if (r) return r;
    r = proto(a) - proto(b);
    if (r) return r;
    r = compareAddresses(a.family === 'inet6', x.words, y.words);
    if (r) return r;
    return port(a) - port(b);
  }).map((k) => k.item);
}

// Real servers repeat across services: their words are worked out once.
const wordsCache = new Map<string, number[]>();
function cachedWords(address: string): number[] {
  let w = wordsCache.get(address);
  if (!w) {
    if (wordsCache.size >= 65536) wordsCache.clear();
    wordsCache.set(address, (w = addressWords(address)));
  }
  return w;
}

/** ipvs_cmp_dests(): address (as the first one's family), port. */
export function sortDestinations(dests: Destination[]): Destination[] {
  if (dests.length <= 1) return dests;
  const keyed = dests.map((item): Keyed<Destination> => ({ item, words: cachedWords(item.address) }));
  return glibcMergeSort(keyed, (x, y) => compareAddresses(x.item.family === 'inet6', x.words, y.words) || x.item.port - y.item.port).map((k) => k.item);
}
