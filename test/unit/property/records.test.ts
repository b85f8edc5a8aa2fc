// Properties of the binary records between the addon and lib/records.ts.
// The addon's record encoder is reached through its testing export: a
// netlink reply made here (as the kernel would send it) is decoded by C++
// into records, which lib/records.ts reads into the public types. So:
// reply(x) -> records -> public objects is x; a spec validated, answered by
// the "kernel" and read back validates to the same raw service
// (normalization is idempotent); batch records written by OpWriter read
// back (opAt) and encode to exactly the single-operation requests;
// arbitrary or truncated buffers give the readers' own error, never a
// TypeError/RangeError, and C++ refuses malformed batch records with a
// protocol error instead of crashing.
import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_OP, native, type RawDestination, type RawService, type RawServiceKey } from '../../../lib/native';
import { OpWriter, readDestinations, readServices, readSnapshot, RecordReader } from '../../../lib/records';
import type { Destination, Service, Stats } from '../../../lib/types';
import { addressFamily, canonicalAddress, ipv6Groups } from '../../../lib/validate/address';
import { checkDestinationSpec } from '../../../lib/validate/destination';
import { checkServiceSpec } from '../../../lib/validate/service';
import recorded from '../../fixtures/replies.json';
import { attr, be16, done, genlMessage, u16, u32, u64 } from '../netlink-bytes';
import { attempt, dotted, ipv6Words, mutate, mutation, ntop6, runs, TIMEOUT, v4Bytes, v6Bytes, v6Spelling } from './support';

const { decodeReply, encodeRequest, encodeBatch } = native().testing;

// ---------------------------------------------------------------------------
// What the kernel sends (include/uapi/linux/ip_vs.h attribute numbers).

const SEQ = 7;
const PID = 4242;
const reply = (cmd: number, ...attrs: Buffer[]) => genlMessage({ type: 30, flags: 2, seq: SEQ, pid: PID, cmd }, ...attrs);

type Counters = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
const u64s = fc.oneof(fc.bigUintN(64), fc.bigUintN(10), fc.constantFrom(0n, 4095n, 4096n, 2n ** 53n + 1n, 2n ** 64n - 1n));
const counters = fc.tuple(u64s, u64s, u64s, u64s, u64s, u64s, u64s, u64s, u64s, u64s) as fc.Arbitrary<Counters>;

/** STATS64 (all u64) or, from kernels before 4.1, only STATS (u32 but the byte counters). */
function statsAttrs(s: Counters, only32: boolean): Buffer[] {
  const as32 = s.map((v, i) => (i === 3 || i === 4 ? v : v & 0xffffffffn)) as Counters;
  const nest = (type: number, v: Counters, wide: boolean) => attr(type, Buffer.concat(v.map((x, i) => attr(i + 1, wide || i === 3 || i === 4 ? u64(x) : u32(Number(x))))));
  // The kernel sends both; STATS64 wins whatever the order.
  return only32 ? [nest(10, as32, false)] : [nest(10, as32, false), nest(12, s, true)];
}

function expectedStats(s: Counters, only32: boolean): Stats {
  const v = only32 ? s.map((x, i) => (i === 3 || i === 4 ? x : x & 0xffffffffn)) : s;
  return { connections: v[0]!, inPackets: v[1]!, outPackets: v[2]!, inBytes: v[3]!, outBytes: v[4]!, cps: Number(v[5]), inPps: Number(v[6]), outPps: Number(v[7]), inBps: Number(v[8]), outBps: Number(v[9]) };
}

interface GenAddr {
  af: 2 | 10;
  bytes: Buffer;
  text: string;
}
const genAddr: fc.Arbitrary<GenAddr> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((v) => ({ af: 2 as const, bytes: v4Bytes(v), text: dotted(v) })),
  ipv6Words.map((w) => ({ af: 10 as const, bytes: v6Bytes(w), text: ntop6(w) })),
);

const name = fc.stringMatching(/^[a-z0-9_]{1,15}$/);

interface GenService {
  addr: GenAddr;
  protocol: number;
  port: number;
  fwmark: number;
  scheduler: string;
  pe: string;
  flags: number;
  timeout: number;
  netmask: number;
  stats: Counters;
  only32: boolean;
  unknownAttr: boolean;
}

const genService: fc.Arbitrary<GenService> = fc.record({
  addr: genAddr,
  protocol: fc.oneof(fc.constantFrom(6, 17, 132), fc.integer({ min: 0, max: 65535 })),
  port: fc.integer({ min: 0, max: 65535 }),
  fwmark: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0xffffffff })),
  scheduler: name,
  pe: fc.oneof(fc.constant(''), name),
  flags: fc.oneof(fc.integer({ min: 0, max: 0x3f }), fc.integer({ min: 0, max: 0xffffffff })),
  timeout: fc.integer({ min: 0, max: 0xffffffff }),
  netmask: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 128 })),
  stats: counters,
  only32: fc.boolean(),
  unknownAttr: fc.boolean(),
});

function serviceReply(s: GenService): Buffer {
  const a: Buffer[] = [attr(1, u16(s.addr.af))];
  if (s.fwmark) a.push(attr(5, u32(s.fwmark)));
  else a.push(attr(2, u16(s.protocol)), attr(3, s.addr.bytes), attr(4, be16(s.port)));
  a.push(attr(6, Buffer.from(`${s.scheduler}\0`)));
  if (s.pe) a.push(attr(11, Buffer.from(`${s.pe}\0`)));
  // HASHED (0x2) is set on every service the kernel holds.
  a.push(attr(7, Buffer.concat([u32(s.flags | 0x2), u32(0xffffffff)])), attr(8, u32(s.timeout)));
  // The mask: IPv4 as network-order bytes, IPv6 a host-order prefix length.
  a.push(attr(9, s.addr.af === 10 ? u32(s.netmask) : v4Bytes(s.netmask)));
  a.push(...statsAttrs(s.stats, s.only32));
  if (s.unknownAttr) a.push(attr(99, Buffer.from('future')));
  return reply(1, attr(1, Buffer.concat(a)));
}

const PROTOCOL_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

function expectedService(s: GenService): Service {
  const family = s.addr.af === 10 ? 'inet6' : 'inet';
  const out: Record<string, unknown> = s.fwmark ? { fwmark: s.fwmark, family, scheduler: s.scheduler } : { protocol: PROTOCOL_NAMES[s.protocol] ?? String(s.protocol), address: s.addr.text, port: s.port, family, scheduler: s.scheduler };
  if (s.flags & 1) out.persistence = { timeout: s.timeout, netmask: family === 'inet6' ? s.netmask : dotted(s.netmask) };
  out.flags = { onePacket: (s.flags & 4) !== 0, schedFlag1: (s.flags & 8) !== 0, schedFlag2: (s.flags & 0x10) !== 0, schedFlag3: (s.flags & 0x20) !== 0 };
  if (s.pe) out.pe = s.pe;
  out.stats = expectedStats(s.stats, s.only32);
  return out as unknown as Service;
}

const expectedRawService = (s: GenService): RawService => ({
  family: s.addr.af,
  protocol: s.fwmark ? 0 : s.protocol,
  address: s.fwmark ? '' : s.addr.text,
  port: s.fwmark ? 0 : s.port,
  fwmark: s.fwmark,
  scheduler: s.scheduler,
  pe: s.pe,
  flags: s.flags & ~0x2,
  timeout: s.timeout,
  netmask: s.netmask,
});

interface GenDest {
  addr: GenAddr;
  sendFamily: boolean;
  port: number;
  fwd: number;
  weight: number;
  upper: number;
  lower: number;
  active: number;
  inactive: number;
  persistent: number;
  tunType: number;
  tunPort: number;
  tunFlags: number;
  stats: Counters;
  only32: boolean;
}

const u32s = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 100 }));
const genDest: fc.Arbitrary<GenDest> = fc.record({
  addr: genAddr,
  sendFamily: fc.boolean(),
  port: fc.integer({ min: 0, max: 65535 }),
  fwd: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0xffffffff })),
  weight: u32s,
  upper: u32s,
  lower: u32s,
  active: u32s,
  inactive: u32s,
  persistent: u32s,
  tunType: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })),
  tunPort: fc.integer({ min: 0, max: 65535 }),
  tunFlags: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 65535 })),
  stats: counters,
  only32: fc.boolean(),
});

/** A destination reply; without ADDR_FAMILY (kernels before 3.18) the service's family applies. */
function destReply(d: GenDest): Buffer {
  const a = [attr(1, d.addr.bytes), attr(2, be16(d.port)), attr(3, u32(d.fwd)), attr(4, u32(d.weight)), attr(5, u32(d.upper)), attr(6, u32(d.lower)), attr(7, u32(d.active)), attr(8, u32(d.inactive)), attr(9, u32(d.persistent))];
  if (d.sendFamily) a.push(attr(11, u16(d.addr.af)));
  a.push(attr(13, Buffer.from([d.tunType])), attr(14, be16(d.tunPort)), attr(15, u16(d.tunFlags)));
  a.push(...statsAttrs(d.stats, d.only32));
  return reply(5, attr(2, Buffer.concat(a)));
}

const FORWARDING_NAMES = ['masq', 'local', 'tunnel', 'route'];
const TUNNEL_NAMES = ['ipip', 'gue', 'gre'];

function expectedDest(d: GenDest): Destination {
  const out: Record<string, unknown> = {
    address: d.addr.text,
    port: d.port,
    family: d.addr.af === 10 ? 'inet6' : 'inet',
    forwarding: FORWARDING_NAMES[d.fwd] ?? String(d.fwd),
    weight: d.weight,
    upperThreshold: d.upper,
    lowerThreshold: d.lower,
  };
  if (d.fwd === 2) out.tunnel = { type: TUNNEL_NAMES[d.tunType] ?? String(d.tunType), port: d.tunPort, checksum: d.tunFlags & 2 ? 'remcsum' : d.tunFlags & 1 ? 'csum' : 'none' };
  Object.assign(out, { activeConnections: d.active, inactiveConnections: d.inactive, persistentConnections: d.persistent, stats: expectedStats(d.stats, d.only32) });
  return out as unknown as Destination;
}

/** Records of services (each with no destinations) and of destinations, made by the addon's encoder. */
const serviceRecords = (ss: readonly GenService[]) => decodeReply('services', [...ss.map(serviceReply), done(SEQ, PID)], SEQ, PID) as Buffer;
/** Destinations are decoded as replies to one service's dump: its family fills in a missing ADDR_FAMILY. */
const destinationRecords = (ds: readonly GenDest[], serviceFamily: number) => decodeReply('destinations', [...ds.map(destReply), done(SEQ, PID)], SEQ, PID, serviceFamily) as Buffer;

describe('records from the addon, read back', () => {
  it('services: reply -> C++ records -> readServices() is what was sent, in order; rawService() the raw values', () => {
    fc.assert(
      fc.property(fc.array(genService, { maxLength: 6 }), (ss) => {
        const buf = serviceRecords(ss);
        expect(buf.length).toBe(ss.length * 192);
        expect(readServices(buf)).toEqual(ss.map(expectedService));
        const r = new RecordReader(buf);
        for (const s of ss) expect(r.rawService()).toEqual({ service: expectedRawService(s), destinations: 0 });
        expect(r.done).toBe(true);
      }),
      runs(400),
    );
  });

  it('destinations: reply -> C++ records -> readDestinations() is what was sent; rawDestination() the raw values', () => {
    fc.assert(
      fc.property(fc.array(genDest, { maxLength: 6 }), (ds) => {
        // One family for the service: destinations sent without ADDR_FAMILY take it.
        const serviceAf = ds[0]?.addr.af ?? 2;
        const sent = ds.map((d) => (d.sendFamily || d.addr.af === serviceAf ? d : { ...d, sendFamily: true }));
        const buf = destinationRecords(sent, serviceAf);
        expect(readDestinations(buf)).toEqual(sent.map(expectedDest));
        const r = new RecordReader(buf);
        for (const d of sent) {
          expect(r.rawDestination()).toEqual({ family: d.addr.af, address: d.addr.text, port: d.port, forwarding: d.fwd, weight: d.weight, upperThreshold: d.upper, lowerThreshold: d.lower, tunnelType: d.tunType, tunnelPort: d.tunPort, tunnelFlags: d.tunFlags });
        }
      }),
      runs(400),
    );
  });

  it('a snapshot (each service record followed by its count of destination records) reads as services with their destinations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(genService, fc.array(genDest, { maxLength: 4 })), { maxLength: 5 }), fc.nat(7), async (table, misalign) => {
        const parts: Buffer[] = [];
        for (const [s, ds] of table) {
          const rec = Buffer.from(serviceRecords([s]));
          rec.writeUInt32LE(ds.length, 24); // the destination count
          parts.push(rec, destinationRecords(ds.map((d) => ({ ...d, sendFamily: true })), s.addr.af));
        }
        // Not 8-byte aligned: the reader copies; same result.
        const aligned = Buffer.concat(parts);
        const shifted = Buffer.alloc(aligned.length + misalign);
        aligned.copy(shifted, misalign);
        for (const buf of [aligned, shifted.subarray(misalign)]) {
          const snapshot = await readSnapshot(buf);
          expect(snapshot).toEqual(table.map(([s, ds]) => ({ ...expectedService(s), destinations: ds.map((d) => expectedDest({ ...d, sendFamily: true })) })));
          expect(readServices(buf)).toEqual(table.map(([s]) => expectedService(s)));
        }
      }),
      runs(200),
    );
  });

  it('normalization is idempotent: a spec validated, answered by the kernel and read back validates to the same raw service', () => {
    const spec = fc.record({
      key: fc.oneof(
        fc.record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp'), address: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(dotted), v6Spelling.map((s) => s.text)), port: fc.integer({ min: 0, max: 65535 }) }),
        fc.record({ fwmark: fc.integer({ min: 1, max: 0xffffffff }), family: fc.constantFrom('inet', 'inet6') }),
      ),
      scheduler: name,
      pe: fc.option(name, { nil: undefined }),
      persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 2678400 }), netmask: fc.integer({ min: 1, max: 32 }) }), { nil: undefined }),
      schedFlag1: fc.boolean(),
      stats: counters,
    });
    fc.assert(
      fc.property(spec, (r) => {
        // Port 0 only for persistent services.
        const key = 'port' in r.key && r.key.port === 0 && !r.persistence ? { ...r.key, port: 1 } : r.key;
        const input = { ...key, scheduler: r.scheduler, ...(r.pe && { pe: r.pe }), ...(r.persistence && { persistence: r.persistence }), flags: { schedFlag1: r.schedFlag1 } };
        const { raw } = checkServiceSpec(input);
        const text = raw.address;
        const addr: GenAddr = raw.family === 10 ? { af: 10, bytes: raw.fwmark ? Buffer.alloc(16) : v6Bytes(ipv6Groups(text)), text: '' } : { af: 2, bytes: raw.fwmark ? Buffer.alloc(4) : Buffer.from(text.split('.').map(Number)), text: '' };
        // What the kernel answers for it.
        const kernel: GenService = { addr, protocol: raw.protocol, port: raw.port, fwmark: raw.fwmark, scheduler: raw.scheduler, pe: raw.pe, flags: raw.flags, timeout: raw.timeout, netmask: raw.netmask, stats: r.stats, only32: false, unknownAttr: false };
        const [readBack] = readServices(serviceRecords([kernel]));
        const again = checkServiceSpec(readBack).raw;
        expect(again).toEqual({ ...raw, address: raw.fwmark ? '' : canonicalAddress(raw.address) });
        expect(checkServiceSpec(readServices(serviceRecords([{ ...kernel }]))[0]).raw).toEqual(again);
        if (!raw.fwmark) expect(readBack).toMatchObject({ address: new SocketAddress({ address: text, family: raw.family === 10 ? 'ipv6' : 'ipv4' }).address });
      }),
      runs(400),
    );
  });
});

describe('batch operation records (OpWriter -> C++)', () => {
  const serviceSpec = fc.record({
    protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
    address: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(dotted), v6Spelling.map((s) => s.text)),
    port: fc.integer({ min: 0, max: 65535 }),
    scheduler: name,
    pe: fc.option(name, { nil: undefined }),
    persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 2678400 }) }), { nil: undefined }),
  }).map((s) => (s.port === 0 && !s.persistence ? { ...s, port: 80 } : s));
  const fwmarkSpec = fc.record({ fwmark: fc.integer({ min: 1, max: 0xffffffff }), family: fc.constantFrom('inet', 'inet6'), scheduler: name });
  const destSpec = fc.record({
    address: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(dotted), v6Spelling.map((s) => s.text)),
    port: fc.integer({ min: 0, max: 65535 }),
    weight: fc.integer({ min: 0, max: 2147483647 }),
    upperThreshold: fc.integer({ min: 0, max: 100 }),
    tunnel: fc.option(fc.record({ type: fc.constant('gue'), port: fc.integer({ min: 1, max: 65535 }), checksum: fc.constantFrom('none', 'csum', 'remcsum') }), { nil: undefined }),
  });
  type Op = { kind: number; service: RawService; destination?: RawDestination };
  const op: fc.Arbitrary<Op> = fc.tuple(fc.oneof(serviceSpec, fwmarkSpec), destSpec, fc.integer({ min: 0, max: 5 })).map(([s, d, kind]) => {
    const service = checkServiceSpec(s).raw;
    if (kind < 3) return { kind, service };
    // Another family than the service's only with tunnel forwarding.
    const tunnel = d.tunnel !== undefined || addressFamily(d.address) !== (service.family === 10 ? 'inet6' : 'inet');
    const destination = checkDestinationSpec({ ...d, forwarding: tunnel ? 'tunnel' : 'masq' }, service.family === 10 ? 'inet6' : 'inet').raw;
    return { kind, service, destination };
  });
  const NAMES = Object.keys(BATCH_OP) as Array<keyof typeof BATCH_OP>;
  const keyOf = (s: RawServiceKey): RawServiceKey => ({ family: s.family, protocol: s.protocol, address: s.address, port: s.port, fwmark: s.fwmark });

  function write(ops: readonly Op[]): OpWriter {
    const w = new OpWriter();
    for (const o of ops) {
      if (o.kind === BATCH_OP.deleteService) w.service(o.kind, keyOf(o.service));
      else if (o.kind < 3) w.service(o.kind, o.service);
      else w.destination(o.kind, keyOf(o.service), o.destination!);
    }
    return w;
  }

  it('each record reads back (opAt) as its operation, and encodes to exactly the request the single operation sends', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        const w = write(ops);
        expect(w.count).toBe(ops.length);
        ops.forEach((o, i) => {
          const back = w.opAt(i);
          expect(back.kind).toBe(o.kind);
          expect(w.kindAt(i)).toBe(o.kind);
          const key = keyOf(o.service);
          if (o.kind === BATCH_OP.addService || o.kind === BATCH_OP.updateService) expect(back.service).toEqual({ ...key, scheduler: o.service.scheduler, pe: o.service.pe });
          else expect(back.service).toEqual(key);
          if (o.kind >= 3) expect(back.destination).toEqual({ family: o.destination!.family, address: o.destination!.address, port: o.destination!.port });
        });
        const requests = encodeBatch(w.finish());
        const expected = ops.map((o) => (o.kind === BATCH_OP.deleteService ? encodeRequest('deleteService', keyOf(o.service)) : o.kind < 3 ? encodeRequest(NAMES[o.kind]!, o.service) : encodeRequest(NAMES[o.kind]!, keyOf(o.service), o.destination)));
        expect(requests.map((b) => b.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
      }),
      runs(300),
    );
  });

  it('C++ refuses damaged records with a protocol error ("invalid batch record: ..."), or encodes them; it never crashes', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.uint8Array({ maxLength: 600 }),
        fc.boolean(),
        (ops, pokes, cut, noise, useNoise) => {
          let buf: Buffer;
          if (useNoise) buf = Buffer.from(noise);
          else {
            buf = Buffer.concat(write(ops).finish());
            for (const [at, v] of pokes) buf[at % buf.length] = v;
            if (cut !== undefined) buf = buf.subarray(0, cut % (buf.length + 1));
          }
          const r = attempt(() => encodeBatch([buf]));
          if (r.ok) {
            expect(Array.isArray(r.value)).toBe(true);
            for (const req of r.value) expect(req.readUInt32LE(0)).toBe(req.length);
          } else {
            expect(r.error).toBeInstanceOf(Error);
            expect(r.error).toMatchObject({ origin: 'protocol', errno: -22, syscall: 'batch', message: expect.stringMatching(/^Invalid argument: invalid batch record: /) });
          }
        },
      ),
      runs(700),
    );
  });
});

describe('arbitrary and truncated record buffers', () => {
  /** The readers' own refusal: a plain Error "<what> record truncated". */
  const expectTruncated = (e: unknown) => {
    if (!(e instanceof Error) || e.constructor !== Error) throw new Error(`untyped failure: ${String(e)}`, { cause: e });
    expect(e.message).toMatch(/^(service|destination) record truncated$/);
  };
  const buffers = fc.oneof(
    fc.uint8Array({ maxLength: 1200 }).map((a) => Buffer.from(a)),
    fc.tuple(fc.array(genService, { minLength: 1, maxLength: 3 }), fc.nat()).map(([ss, cut]) => {
      const b = serviceRecords(ss);
      return b.subarray(0, cut % (b.length + 1));
    }),
    fc.tuple(fc.array(genDest, { minLength: 1, maxLength: 3 }), fc.nat()).map(([ds, cut]) => {
      const b = destinationRecords(ds, 2);
      return b.subarray(0, cut % (b.length + 1));
    }),
  );

  it('every reader returns objects or refuses with "<what> record truncated"; a cut off the record grid is always refused', async () => {
    await fc.assert(
      fc.asyncProperty(buffers, fc.nat(7), async (buf, misalign) => {
        const shifted = Buffer.alloc(buf.length + misalign);
        buf.copy(shifted, misalign);
        const view = shifted.subarray(misalign);
        for (const b of [buf, view]) {
          const s = attempt(() => readServices(b));
          if (!s.ok) expectTruncated(s.error);
          const d = attempt(() => readDestinations(b));
          if (!d.ok) expectTruncated(d.error);
          else expect(b.length % 168).toBe(0);
          if (b.length % 168 !== 0) expect(d.ok).toBe(false);
          await readSnapshot(b).then(
            (list) => expect(Array.isArray(list)).toBe(true),
            expectTruncated,
          );
          const r = new RecordReader(b);
          const raw = attempt(() => {
            while (!r.done) r.rawService();
          });
          if (!raw.ok) expectTruncated(raw.error);
          else expect(b.length % 192).toBe(0);
        }
      }),
      runs(500),
    );
  }, TIMEOUT);

  // FAILS (hardening gap in lib/records.ts): RecordReader trusts the length
  // fields of a record (u16 address length at +6 of a service, +4 of a
  // destination; u8 scheduler/PE lengths at +28/+29) and reads that many
  // bytes from the field's start, past the 48-byte address and 16-byte name
  // fields, into the next fields and the next records. The addon never
  // writes such lengths (records.cc caps them), and C++ refuses the same
  // lengths in batch records ("address length", "name length"); the reader
  // neither refuses nor bounds them. Minimal counterexample fast-check found:
  //   readDestinations(168 zero bytes with byte 4 = 49) -> address of 49
  //   characters: the 48-byte field and the first stats byte.
  it('never reads a text field beyond its place in the record (address 48 bytes, names 16)', () => {
    const damaged = fc.oneof(
      fc.tuple(fc.constantFrom(192, 384, 168, 336), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })).map(([len, pokes]) => {
        const b = Buffer.alloc(len);
        for (const [at, v] of pokes) b[at % len] = v;
        return b;
      }),
      fc.uint8Array({ minLength: 168, maxLength: 800 }).map((a) => Buffer.from(a)),
    );
    const destination49 = Buffer.alloc(168);
    destination49[4] = 49;
    fc.assert(
      fc.property(damaged, (b) => {
        const s = attempt(() => readServices(b));
        if (s.ok) {
          for (const svc of s.value) {
            if ('address' in svc) expect(svc.address.length).toBeLessThanOrEqual(48);
            expect(svc.scheduler.length).toBeLessThanOrEqual(16);
            expect((svc.pe ?? '').length).toBeLessThanOrEqual(16);
          }
        }
        const d = attempt(() => readDestinations(b));
        if (d.ok) for (const dest of d.value) expect(dest.address.length).toBeLessThanOrEqual(48);
      }),
      { ...runs(500), examples: [[destination49]] },
    );
  });
});

describe('netlink replies, damaged', () => {
  type Recording = { family: number; seq: number; portId: number; datagrams: string[] };
  const rec = recorded as unknown as Record<string, Recording>;
  const KINDS: Record<string, string> = { services: 'services', service: 'services', destinations: 'destinations', info: 'info', timeouts: 'timeouts', daemons: 'daemons', flush: 'ack' };
  const names = Object.keys(rec).filter((k) => KINDS[k] !== undefined);

  it('decodeReply() of a recorded reply with bytes changed, inserted, deleted or cut: decoded, or an error with an origin and an errno, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), (which, ms, target) => {
        const r = rec[which]!;
        const datagrams = r.datagrams.map((h) => Buffer.from(h, 'hex'));
        const i = target % datagrams.length;
        datagrams[i] = Buffer.from(mutate(datagrams[i]!.toString('latin1'), ms), 'latin1');
        const kind = KINDS[which]!;
        const out = attempt(() => decodeReply(kind, datagrams, r.seq, r.portId, 2));
        if (!out.ok) {
          expect(out.error).toBeInstanceOf(Error);
          expect(out.error).toMatchObject({ origin: expect.stringMatching(/^(protocol|kernel)$/), errno: expect.any(Number), syscall: expect.any(String) });
          return;
        }
        // Services and destinations: records the readers take.
        if (kind === 'services') expect(Array.isArray(readServices(out.value as Buffer))).toBe(true);
        if (kind === 'destinations') expect(Array.isArray(readDestinations(out.value as Buffer))).toBe(true);
      }),
      runs(700),
    );
  });
});
