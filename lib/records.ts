/**
 * The addon's binary records (layout in native/addon/records.h): services
 * and destinations read straight into the public types, and batch operations
 * written from raw objects, with typed-array views and object literals, many
 * times faster than crossing N-API property by property. A reader walks one
 * buffer and can stop between records, so a large snapshot is decoded in
 * slices between event-loop turns.
 * @module
 */
import { FORWARDING, nameOf, PROTOCOL, SVC_FLAG, TUNNEL_CHECKSUM, TUNNEL_TYPE } from './constants';
import { familyOf } from './convert';
import type { RawDestination, RawService, RawServiceKey } from './native';
import { Turns } from './turns';
import type { Destination, Service, SnapshotService, Stats } from './types';
import { netmaskFromRaw } from './validate/address';

const SERVICE_LEN = 192;
/** BigInts of small counter values, made once (BigInts are heap objects). */
const SMALL: bigint[] = new Array<bigint>(4096);
const DESTINATION_LEN = 168;

/** Interned short names: schedulers and persistence engines repeat across services. */
const names = new Map<string, string>();
function intern(s: string): string {
  let v = names.get(s);
  if (v === undefined && names.size < 256) names.set(s, (v = s));
  return v ?? s;
}

// Text fields' room in a record (records.h): a length beyond it is never read past.
const ADDRESS_MAX = 48;
const NAME_MAX = 16;

/** A record's text field of `len` bytes at `start`, read no further than its room. */
function textField(buf: Buffer, start: number, len: number, room: number): string {
  return buf.toString('latin1', start, start + Math.min(len, room));
}

export class RecordReader {
  readonly #buf: Buffer;
  readonly #u16: Uint16Array;
  readonly #u32: Uint32Array;
  readonly #u64: BigUint64Array;
  #off = 0;
  readonly #addresses = new Map<string, string>();

  constructor(buf: Buffer) {
    // The addon's buffers are 8-byte aligned; a copy makes any other one so.
    const b = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
    this.#buf = b;
    this.#u16 = new Uint16Array(b.buffer, b.byteOffset, b.length >>> 1);
    this.#u32 = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
    this.#u64 = new BigUint64Array(b.buffer, b.byteOffset, b.length >>> 3);
  }

  get done(): boolean {
    return this.#off >= this.#buf.length;
  }

  /** The next record, a service; `destinations` is how many destination records follow it. */
  service(): { service: Service; destinations: number } {
    const o = this.#take(SERVICE_LEN, 'service');
    const h = o >>> 1, w = o >>> 2;
    const family = familyOf(this.#u16[h]!);
    const raw = this.#u32[w + 3]!;
    const fwmark = this.#u32[w + 2]!;
    const scheduler = this.#name(o + 80, this.#buf[o + 28]!);
    const flags = {
      onePacket: (raw & SVC_FLAG.onePacket) !== 0,
      schedFlag1: (raw & SVC_FLAG.schedFlag1) !== 0,
      schedFlag2: (raw & SVC_FLAG.schedFlag2) !== 0,
      schedFlag3: (raw & SVC_FLAG.schedFlag3) !== 0,
    };
    // Literals in the public key order, not spreads: this runs for every service of a snapshot.
    let service: Service;
    if (fwmark) service = { fwmark, family, scheduler } as Service;
    else {
      // The kernel does not validate protocols: show unknown numbers rather than lie.
      const proto = this.#u16[h + 1]!;
      const protocol = proto === 6 ? 'tcp' : nameOf(PROTOCOL, proto) ?? (String(proto) as 'tcp');
      service = { protocol, address: textField(this.#buf, o + 32, this.#u16[h + 3]!, ADDRESS_MAX), port: this.#u16[h + 2]!, family, scheduler } as Service;
    }
    if (raw & SVC_FLAG.persistent) service.persistence = { timeout: this.#u32[w + 4]!, netmask: netmaskFromRaw(this.#u32[w + 5]!, family) };
    service.flags = flags;
    if (this.#buf[o + 29]) service.pe = this.#name(o + 96, this.#buf[o + 29]!);
    service.stats = this.#stats(o + 112);
    return { service, destinations: this.#u32[w + 6]! };
  }

  /** The next record, a service, as the kernel's raw values (apply() and watch() compare these). */
  rawService(): { service: RawService; destinations: number } {
    const o = this.#take(SERVICE_LEN, 'service');
    const h = o >>> 1, w = o >>> 2;
    const fwmark = this.#u32[w + 2]!;
    return {
      service: {
        family: this.#u16[h]!,
        protocol: this.#u16[h + 1]!,
        address: fwmark ? '' : textField(this.#buf, o + 32, this.#u16[h + 3]!, ADDRESS_MAX),
        port: this.#u16[h + 2]!,
        fwmark,
        scheduler: this.#name(o + 80, this.#buf[o + 28]!),
        pe: this.#buf[o + 29] ? this.#name(o + 96, this.#buf[o + 29]!) : '',
        // Without IP_VS_SVC_F_HASHED (0x2), which the kernel sets on every service it holds.
        flags: this.#u32[w + 3]! & ~0x2,
        timeout: this.#u32[w + 4]!,
        netmask: this.#u32[w + 5]!,
      },
      destinations: this.#u32[w + 6]!,
    };
  }

  /** The next record, a destination, as the kernel's raw values. */
  rawDestination(): RawDestination {
    const o = this.#take(DESTINATION_LEN, 'destination');
    const h = o >>> 1, w = o >>> 2;
    return {
      family: this.#u16[h]!,
      address: this.#address(o + 40, this.#u16[h + 2]!),
      port: this.#u16[h + 1]!,
      forwarding: this.#u32[w + 3]!,
      weight: this.#u32[w + 4]!,
      upperThreshold: this.#u32[w + 5]!,
      lowerThreshold: this.#u32[w + 6]!,
      tunnelType: this.#buf[o + 6]!,
      tunnelPort: this.#u16[h + 4]!,
      tunnelFlags: this.#u16[h + 5]!,
    };
  }

  /** The next record, a destination. */
  destination(): Destination {
    const o = this.#take(DESTINATION_LEN, 'destination');
    const h = o >>> 1, w = o >>> 2;
    const fwd = this.#u32[w + 3]!;
    // Kernel values no client should set (4..7) show as their number, as protocols do.
    const forwarding = fwd === 0 ? 'masq' : nameOf(FORWARDING, fwd) ?? (String(fwd) as 'masq');
    const d: Destination = {
      address: this.#address(o + 40, this.#u16[h + 2]!),
      port: this.#u16[h + 1]!,
      family: familyOf(this.#u16[h]!),
      forwarding,
      weight: this.#u32[w + 4]!,
      upperThreshold: this.#u32[w + 5]!,
      lowerThreshold: this.#u32[w + 6]!,
      activeConnections: this.#u32[w + 7]!,
      inactiveConnections: this.#u32[w + 8]!,
      persistentConnections: this.#u32[w + 9]!,
      stats: this.#stats(o + 88),
    };
    if (forwarding !== 'tunnel') return d;
    const flags = this.#u16[h + 5]!;
    const tunnel = {
      type: nameOf(TUNNEL_TYPE, this.#buf[o + 6]!) ?? (String(this.#buf[o + 6]) as 'ipip'),
      port: this.#u16[h + 4]!,
      checksum: flags & TUNNEL_CHECKSUM.remcsum ? 'remcsum' : flags & TUNNEL_CHECKSUM.csum ? 'csum' : 'none',
    } as const;
    // Same key order as before the counters, for readable output.
    const { activeConnections, inactiveConnections, persistentConnections, stats, ...settings } = d;
    return { ...settings, tunnel, activeConnections, inactiveConnections, persistentConnections, stats };
  }

  #take(len: number, what: string): number {
    const o = this.#off;
    if (o + len > this.#buf.length) throw new Error(`${what} record truncated`);
    this.#off += len;
    return o;
  }

  #name(start: number, len: number): string {
    return intern(textField(this.#buf, start, len, NAME_MAX));
  }

  /** Real servers repeat across services: one string each (the text read is garbage at once). */
  #address(start: number, len: number): string {
    const text = textField(this.#buf, start, len, ADDRESS_MAX);
    let v = this.#addresses.get(text);
    if (v === undefined && this.#addresses.size < 65536) this.#addresses.set(text, (v = text));
    return v ?? text;
  }

  /** A counter: small ones (idle objects) from a cache rather than a new BigInt each. */
  #counter(q: number): bigint {
    const w = q << 1;
    const lo = this.#u32[w]!;
    if (this.#u32[w + 1] === 0 && lo < SMALL.length) return (SMALL[lo] ??= BigInt(lo));
    return this.#u64[q]!;
  }

  #stats(o: number): Stats {
    const q = o >>> 3, w = o >>> 2, u32 = this.#u32;
    // Rates fit a double exactly far beyond any link speed.
    return {
      connections: this.#counter(q),
      inPackets: this.#counter(q + 1),
      outPackets: this.#counter(q + 2),
      inBytes: this.#counter(q + 3),
      outBytes: this.#counter(q + 4),
      cps: u32[w + 10]! + u32[w + 11]! * 4294967296,
      inPps: u32[w + 12]! + u32[w + 13]! * 4294967296,
      outPps: u32[w + 14]! + u32[w + 15]! * 4294967296,
      inBps: u32[w + 16]! + u32[w + 17]! * 4294967296,
      outBps: u32[w + 18]! + u32[w + 19]! * 4294967296,
    };
  }
}

/** Every service with its destinations (snapshot()), read a slice at a time between event-loop turns. */
export async function readSnapshot(buf: Buffer): Promise<SnapshotService[]> {
  const reader = new RecordReader(buf);
  const out: SnapshotService[] = [];
  const turns = new Turns(8); // a service and its destinations per item
  while (!reader.done) {
    const { service, destinations: count } = reader.service();
    const destinations = new Array<Destination>(count);
    for (let i = 0; i < count; i++) destinations[i] = reader.destination();
    (service as SnapshotService).destinations = destinations;
    out.push(service as SnapshotService);
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/** Every service of a records buffer (services() and service()). */
export function readServices(buf: Buffer): Service[] {
  const r = new RecordReader(buf);
  const out: Service[] = [];
  while (!r.done) {
    const { service, destinations } = r.service();
    for (let i = 0; i < destinations; i++) r.destination();
    out.push(service);
  }
  return out;
}

/** Every destination of a records buffer (destinations()). */
export function readDestinations(buf: Buffer): Destination[] {
  const r = new RecordReader(buf);
  const out: Destination[] = [];
  while (!r.done) out.push(r.destination());
  return out;
}

const OP_HEADER_LEN = 8;
const OP_SERVICE_LEN = 112; // a service record without its stats
const OP_DESTINATION_LEN = 88; // a destination record without its stats

/** Records go into chunks of this size, never copied as the batch grows. */
const CHUNK_LEN = 256 * 1024;

/**
 * Writes batch operation records (u32 kind, u32 0, service part, destination
 * part?) into chunks; a record never spans two.
 */
export class OpWriter {
  #chunks: Buffer[] = [];
  #buf = Buffer.alloc(0);
  #u16 = new Uint16Array(0);
  #u32 = new Uint32Array(0);
  #off = 0;
  /** Where each record starts: chunk index * CHUNK_LEN + offset. */
  #starts: number[] = [];

  /** Operations written. */
  get count(): number {
    return this.#starts.length;
  }

  /** The kind of operation i. */
  kindAt(i: number): number {
    const start = this.#starts[i]!;
    const c = Math.floor(start / CHUNK_LEN);
    return (c < this.#chunks.length ? this.#chunks[c]! : this.#buf).readUInt32LE(start % CHUNK_LEN);
  }

  /**
   * Operation i read back (its kind, service key and destination identity),
   * for messages: a batch keeps no objects of its own for each operation.
   */
  opAt(i: number): { kind: number; service: RawServiceKey & { scheduler?: string; pe?: string }; destination?: RawDestination } {
    const start = this.#starts[i]!;
    const c = Math.floor(start / CHUNK_LEN);
    const buf = c < this.#chunks.length ? this.#chunks[c]! : this.#buf;
    const o = start % CHUNK_LEN;
    const kind = this.kindAt(i);
    const s = o + OP_HEADER_LEN;
    const fwmark = buf.readUInt32LE(s + 8);
    const service = { family: buf.readUInt16LE(s), protocol: buf.readUInt16LE(s + 2), address: fwmark ? '' : textField(buf, s + 32, buf.readUInt16LE(s + 6), ADDRESS_MAX), port: buf.readUInt16LE(s + 4), fwmark };
    if (kind < 3) {
      // Service operations: the modules they name, for errors (empty for a delete's key).
      const scheduler = textField(buf, s + 80, buf[s + 28]!, NAME_MAX);
      return { kind, service: scheduler ? { ...service, scheduler, pe: textField(buf, s + 96, buf[s + 29]!, NAME_MAX) } : service };
    }
    const d = s + OP_SERVICE_LEN;
    return { kind, service, destination: { family: buf.readUInt16LE(d), address: textField(buf, d + 40, buf.readUInt16LE(d + 4), ADDRESS_MAX), port: buf.readUInt16LE(d + 2) } };
  }

  /** A service operation: the service's settings, or only its key for deletes. */
  service(kind: number, s: RawServiceKey | RawService): void {
    this.#header(kind, OP_HEADER_LEN + OP_SERVICE_LEN);
    this.#service(s);
  }

  /** A destination operation on the service with key `k`. */
  destination(kind: number, k: RawServiceKey, d: RawDestination): void {
    this.#header(kind, OP_HEADER_LEN + OP_SERVICE_LEN + OP_DESTINATION_LEN);
    this.#service(k);
    const o = this.#off, h = o >>> 1, w = o >>> 2;
    this.#off += OP_DESTINATION_LEN;
    this.#u16[h] = d.family ?? k.family;
    this.#u16[h + 1] = d.port;
    this.#u16[h + 2] = this.#ascii(d.address, o + 40, 48);
    this.#buf[o + 6] = d.tunnelType ?? 0;
    this.#buf[o + 7] = 0;
    this.#u16[h + 4] = d.tunnelPort ?? 0;
    this.#u16[h + 5] = d.tunnelFlags ?? 0;
    this.#u32[w + 3] = d.forwarding ?? 0;
    this.#u32[w + 4] = d.weight ?? 0;
    this.#u32[w + 5] = d.upperThreshold ?? 0;
    this.#u32[w + 6] = d.lowerThreshold ?? 0;
  }

  /** The chunks written so far (views: write nothing more). */
  finish(): Buffer[] {
    return this.#off ? [...this.#chunks, this.#buf.subarray(0, this.#off)] : this.#chunks;
  }

  #header(kind: number, len: number): void {
    if (this.#off + len > this.#buf.length) this.#next();
    this.#starts.push(this.#chunks.length * CHUNK_LEN + this.#off);
    this.#u32[this.#off >>> 2] = kind;
    this.#u32[(this.#off >>> 2) + 1] = 0;
    this.#off += OP_HEADER_LEN;
  }

  /** Writes a short ASCII string (address, module name) byte by byte: cheaper than a Buffer.write call. */
  #ascii(text: string, at: number, max: number): number {
    const n = text.length < max ? text.length : max;
    for (let i = 0; i < n; i++) this.#buf[at + i] = text.charCodeAt(i);
    return n;
  }

  #service(s: RawServiceKey & Partial<RawService>): void {
    const o = this.#off, h = o >>> 1, w = o >>> 2;
    this.#off += OP_SERVICE_LEN;
    this.#u16[h] = s.family!;
    this.#u16[h + 1] = s.protocol!;
    this.#u16[h + 2] = s.port!;
    this.#u16[h + 3] = s.fwmark ? 0 : this.#ascii(s.address!, o + 32, 48);
    this.#u32[w + 2] = s.fwmark!;
    // Every field C++ reads is written: the buffer is not zeroed.
    const full = s.scheduler !== undefined; // else a key only
    this.#u32[w + 3] = full ? s.flags! : 0;
    this.#u32[w + 4] = full ? s.timeout! : 0;
    this.#u32[w + 5] = full ? s.netmask! : 0;
    this.#buf[o + 28] = full ? this.#ascii(s.scheduler!, o + 80, 16) : 0;
    this.#buf[o + 29] = full ? this.#ascii(s.pe!, o + 96, 16) : 0;
  }

  #next(): void {
    if (this.#buf.length) this.#chunks.push(this.#buf.subarray(0, this.#off));
    // Not zeroed: every field C++ reads is written.
    const next = Buffer.allocUnsafeSlow(CHUNK_LEN);
    this.#buf = next;
    this.#u16 = new Uint16Array(next.buffer, next.byteOffset, next.length >>> 1);
    this.#u32 = new Uint32Array(next.buffer, next.byteOffset, next.length >>> 2);
    this.#off = 0;
  }

}
