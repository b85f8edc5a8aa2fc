// The addon's own request encoders and reply decoders, without a socket:
// replies recorded from a real 7.2 kernel (test/fixtures/record-replies.py),
// plus forged ones for old kernels and malformed input.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native';
import { readDestinations, readServices } from '../../lib/records';
import recorded from '../fixtures/replies.json';
import { attr, be16, done, genlMessage, nested, readRequest, u16, u32, u64 } from './netlink-bytes';

const { encodeRequest, decodeReply } = native().testing;
type Recording = { family: number; seq: number; portId: number; request: string; datagrams: string[] };
const rec = recorded as Record<string, Recording>;
// Services and destinations come as records, read as the public types.
const asPublic = (kind: string, v: unknown) => (kind === 'services' ? readServices(v as Buffer) : kind === 'destinations' ? readDestinations(v as Buffer) : v);
const decodeBytes = (kind: string, datagrams: Buffer[], seq: number, portId: number, family?: number) => asPublic(kind, decodeReply(kind, datagrams, seq, portId, family));
const decode = (kind: string, r: Recording, family?: number) => decodeBytes(kind, r.datagrams.map((h) => Buffer.from(h, 'hex')), r.seq, r.portId, family);
const failure = (fn: () => unknown) => { try { fn(); } catch (e) { return e; } throw new Error('did not throw'); };

const noFlags = { onePacket: false, schedFlag1: false, schedFlag2: false, schedFlag3: false };
const zeroStats = { connections: 0n, inPackets: 0n, outPackets: 0n, inBytes: 0n, outBytes: 0n, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

describe('decoding recorded kernel replies', () => {
  it('a service dump', () => {
    const services = decode('services', rec.services!) as Array<Record<string, unknown>>;
    expect(services).toHaveLength(4);
    const by = (p: (s: Record<string, unknown>) => boolean) => services.find(p);
    expect(by((s) => s.port === 80)).toEqual({ family: 'inet', protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'wrr', persistence: { timeout: 600, netmask: '255.255.255.0' }, flags: noFlags, stats: zeroStats });
    expect(by((s) => s.port === 53)).toEqual({ family: 'inet6', protocol: 'udp', address: '2001:db8::1', port: 53, scheduler: 'sh', flags: { onePacket: true, schedFlag1: true, schedFlag2: true, schedFlag3: false }, stats: zeroStats });
    expect(by((s) => s.fwmark === 7)).toEqual({ fwmark: 7, family: 'inet6', scheduler: 'mh', persistence: { timeout: 60, netmask: 64 }, flags: noFlags, stats: zeroStats });
    expect(by((s) => s.port === 5060)).toMatchObject({ pe: 'sip', persistence: { timeout: 30, netmask: '255.255.255.255' } });
  });

  it('one service, destinations, info and timeouts', () => {
    expect(decode('services', rec.service!)).toEqual([expect.objectContaining({ address: '192.0.2.1', scheduler: 'wrr' })]);
    const dests = decode('destinations', rec.destinations!) as Array<Record<string, unknown>>;
    expect(dests).toEqual(expect.arrayContaining([
      { family: 'inet', address: '203.0.113.2', port: 8080, forwarding: 'masq', weight: 3, upperThreshold: 100, lowerThreshold: 10, activeConnections: 0, inactiveConnections: 0, persistentConnections: 0, stats: zeroStats },
      expect.objectContaining({ address: '203.0.113.3', port: 80, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }),
    ]));
    expect(decode('destinations', rec.destinationsOfMissing!)).toEqual([]);
    expect(decode('info', rec.info!)).toEqual([{ version: 0x010201, connectionTableSize: expect.any(Number) }]);
    expect(decode('timeouts', rec.timeouts!)).toEqual([{ tcp: 900, tcpFin: 120, udp: 300 }]);
    expect(decode('ack', rec.flush!)).toBe(0);
  });

  it('a kernel error becomes errno, syscall and origin', () => {
    expect(failure(() => decode('services', rec.serviceMissing!))).toMatchObject({ errno: -3, syscall: 'netlink', origin: 'kernel' });
  });
});

describe('reply assembly', () => {
  const r = rec.info!;
  const datagrams = r.datagrams.map((h) => Buffer.from(h, 'hex'));

  it('ignores messages of other requests and senders', () => {
    // A late reply to an earlier request (another seq) arrives first: skipped.
    const stale = Buffer.from(rec.timeouts!.datagrams[0]!, 'hex');
    expect(decodeReply('info', [stale, ...datagrams], r.seq, r.portId)).toEqual([expect.objectContaining({ version: 0x010201 })]);
    expect(failure(() => decodeReply('info', datagrams, r.seq + 1, r.portId))).toMatchObject({ origin: 'protocol', message: expect.stringMatching(/incomplete/) });
    expect(failure(() => decodeReply('info', datagrams, r.seq, r.portId + 1))).toMatchObject({ origin: 'protocol' });
  });

  it('detects truncation', () => {
    const cut = datagrams[0]!.subarray(0, datagrams[0]!.length - 3);
    expect(failure(() => decodeReply('info', [cut, datagrams[1]!], r.seq, r.portId))).toMatchObject({ errno: -71, origin: 'protocol' });
    const svc = Buffer.from(rec.service!.datagrams[0]!, 'hex');
    const badAttr = Buffer.from(svc);
    badAttr.writeUInt16LE(0xfff0, 20); // the SERVICE nest claims more bytes than the message has
    expect(failure(() => decodeReply('services', [badAttr, Buffer.from(rec.service!.datagrams[1]!, 'hex')], rec.service!.seq, rec.service!.portId))).toMatchObject({ origin: 'protocol', message: expect.stringMatching(/attribute 1 has length/) });
  });

  it('refuses statuses outside the errno range', () => {
    expect(failure(() => decodeReply('services', [done(5, 9, -2147483648)], 5, 9))).toMatchObject({ origin: 'protocol', message: expect.stringMatching(/status -2147483648/) });
    expect(failure(() => decodeReply('services', [done(5, 9, 7)], 5, 9))).toMatchObject({ origin: 'protocol' });
  });

  it('reports a failed dump status and surfaces extended-ack messages', () => {
    expect(failure(() => decodeReply('services', [done(5, 9, -12)], 5, 9))).toMatchObject({ errno: -12, origin: 'kernel' });
    // NLMSG_ERROR with NLM_F_CAPPED | NLM_F_ACK_TLVS: error, echoed header, then NLMSGERR_ATTR_MSG.
    const echoed = Buffer.alloc(16);
    const msg = Buffer.concat([Buffer.from(Int32Array.of(-22).buffer), echoed, attr(1, Buffer.from('bad service attribute\0'))]);
    const err = Buffer.alloc(16 + msg.length);
    err.writeUInt32LE(err.length, 0); err.writeUInt16LE(2, 4); err.writeUInt16LE(0x300, 6); err.writeUInt32LE(5, 8); err.writeUInt32LE(9, 12);
    msg.copy(err, 16);
    expect(failure(() => decodeReply('ack', [err], 5, 9))).toMatchObject({ errno: -22, detail: 'bad service attribute', message: expect.stringMatching(/bad service attribute/) });
  });
});

describe('old and new kernels', () => {
  const stats32 = attr(10, Buffer.concat([attr(1, u32(7)), attr(2, u32(8)), attr(3, u32(9)), attr(4, u64(2n ** 40n)), attr(5, u64(5n)), attr(6, u32(1)), attr(9, u32(100))]));
  const msg = (cmd: number, ...attrs: Buffer[]) => genlMessage({ type: 30, flags: 2, seq: 1, pid: 2, cmd }, ...attrs);

  it('falls back to 32-bit STATS and skips unknown attributes', () => {
    const svc = attr(1, Buffer.concat([attr(1, u16(2)), attr(2, u16(6)), attr(3, Buffer.from([192, 0, 2, 1])), attr(4, be16(80)), attr(6, Buffer.from('rr\0')), attr(7, Buffer.concat([u32(0x2), u32(0xffffffff)])), attr(8, u32(0)), attr(9, Buffer.from([255, 255, 255, 255])), stats32, attr(99, Buffer.from('future'))]));
    const [s] = decodeBytes('services', [msg(1, svc, attr(42, u32(1))), done(1, 2)], 1, 2) as Array<Record<string, unknown>>;
    expect(s).toMatchObject({ address: '192.0.2.1', port: 80, scheduler: 'rr', flags: noFlags });
    expect(s).not.toHaveProperty('persistence');
    expect(s!.stats).toEqual({ connections: 7n, inPackets: 8n, outPackets: 9n, inBytes: 2n ** 40n, outBytes: 5n, cps: 1, inPps: 0, outPps: 0, inBps: 100, outBps: 0 });
  });

  it('prefers STATS64 over STATS, whatever their order', () => {
    const stats64 = attr(12, Buffer.concat([attr(1, u64(2n ** 33n)), attr(4, u64(2n ** 63n))]));
    const dest = attr(2, Buffer.concat([attr(1, Buffer.from([203, 0, 113, 2])), attr(2, be16(8080)), attr(3, u32(0)), attr(4, u32(1)), stats64, stats32]));
    const [d] = decodeBytes('destinations', [msg(5, dest), done(1, 2)], 1, 2, 2) as Array<Record<string, { connections: bigint; inBytes: bigint }>>;
    expect(d!.stats.connections).toBe(2n ** 33n);
    expect(d!.stats.inBytes).toBe(2n ** 63n);
  });

  it("takes the service's family when ADDR_FAMILY and tunnel attributes are missing (before 3.18 / 5.2)", () => {
    const dest = attr(2, Buffer.concat([attr(1, Buffer.from('20010db8000000000000000000000002', 'hex')), attr(2, be16(80)), attr(3, u32(3)), attr(4, u32(2))]));
    const [d] = decodeBytes('destinations', [msg(5, dest), done(1, 2)], 1, 2, 10) as Array<Record<string, unknown>>;
    expect(d).toMatchObject({ family: 'inet6', address: '2001:db8::2', forwarding: 'route', weight: 2 });
    expect(d).not.toHaveProperty('tunnel');
  });
});

describe('encoding requests', () => {
  const key = { family: 2, protocol: 6, address: '192.0.2.1', port: 80, fwmark: 0 };

  it('builds the same GET_SERVICE request the kernel answered in the recording', () => {
    const ours = encodeRequest('getService', key);
    const theirs = Buffer.from(rec.service!.request, 'hex');
    // Same bytes but for family id, sequence number and port id.
    for (const b of [ours, theirs]) { b.writeUInt16LE(0, 4); b.writeUInt32LE(0, 8); b.writeUInt32LE(0, 12); }
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('sends a full service: flags with a mask, IPv4 mask bytes in network order, port big-endian', () => {
    const req = readRequest(encodeRequest('addService', { ...key, scheduler: 'wrr', pe: 'sip', flags: 0x9, timeout: 300, netmask: 0xffffff00 }));
    expect(req).toMatchObject({ cmd: 1, version: 1, flags: 0x5 });
    const svc = nested(req.attrs[0]);
    expect([...svc.keys()]).toEqual([1, 2, 3, 4, 6, 11, 7, 8, 9]);
    expect(svc.get(3)!.toString('hex')).toBe('c0000201');
    expect(svc.get(4)!.toString('hex')).toBe('0050');
    expect(svc.get(6)!.toString()).toBe('wrr\0');
    expect(svc.get(7)!.toString('hex')).toBe('09000000ffffffff');
    expect(svc.get(9)!.toString('hex')).toBe('ffffff00');
  });

  it('sends an IPv6 netmask as a host-order prefix length and a fwmark key without address', () => {
    const req = readRequest(encodeRequest('updateService', { family: 10, protocol: 0, address: '', port: 0, fwmark: 7, scheduler: 'mh', pe: '', flags: 0, timeout: 0, netmask: 64 }));
    expect(req.cmd).toBe(2);
    const svc = nested(req.attrs[0]);
    expect([...svc.keys()]).toEqual([1, 5, 6, 7, 8, 9]);
    expect(svc.get(9)!.readUInt32LE()).toBe(64);
    expect(svc.get(5)!.readUInt32LE()).toBe(7);
  });

  it('sends full destinations, and only the identity to delete one', () => {
    const dest = { address: '2001:db8::2', port: 80, family: 10, forwarding: 2, weight: 5, upperThreshold: 9, lowerThreshold: 1, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 2 };
    const add = readRequest(encodeRequest('addDestination', key, dest));
    expect(add.cmd).toBe(5);
    const d = nested(add.attrs[1]);
    expect([...d.keys()]).toEqual([1, 2, 11, 3, 4, 5, 6, 13, 14, 15]);
    expect(d.get(1)!.toString('hex')).toBe('20010db8000000000000000000000002');
    expect(d.get(14)!.toString('hex')).toBe('17c0');
    expect(d.get(11)!.readUInt16LE()).toBe(10);
    const del = readRequest(encodeRequest('deleteDestination', key, { address: '203.0.113.2', port: 8080 }));
    expect(del.cmd).toBe(7);
    expect([...nested(del.attrs[1]).keys()]).toEqual([1, 2, 11]);
    expect(nested(del.attrs[1]).get(11)!.readUInt16LE()).toBe(2); // the service's family by default
  });

  it('dumps, zero, timeouts and daemons', () => {
    expect(readRequest(encodeRequest('getServices'))).toMatchObject({ cmd: 4, flags: 0x301, attrs: [] });
    expect(readRequest(encodeRequest('getDestinations', key))).toMatchObject({ cmd: 8, flags: 0x301 });
    expect(readRequest(encodeRequest('zero'))).toMatchObject({ cmd: 16, attrs: [] });
    expect(readRequest(encodeRequest('zero', key)).attrs).toHaveLength(1);
    const t = readRequest(encodeRequest('setTimeouts', { tcp: 900, tcpFin: 0, udp: 60 }));
    expect(t.attrs.map((a) => [a.type, a.data.readUInt32LE()])).toEqual([[4, 900], [5, 0], [6, 60]]);
    const daemon = nested(readRequest(encodeRequest('startDaemon', { state: 1, interface: 'eth0', syncId: 7, maxLength: 0, group: 'ff02::1', port: 8848, ttl: 0 })).attrs[0]);
    expect([...daemon.keys()]).toEqual([1, 2, 3, 6, 7]);
    expect(daemon.get(7)!.readUInt16LE()).toBe(8848); // the one port in host order
    expect([...nested(readRequest(encodeRequest('stopDaemon', 2)).attrs[0]).keys()]).toEqual([1]);
  });

  it('refuses malformed raw objects instead of sending them', () => {
    expect(() => encodeRequest('addService', { ...key, scheduler: 'rr' })).toThrow(TypeError);
    expect(() => encodeRequest('getService', { ...key, address: '300.1.1.1' })).toThrow(/invalid address/);
    expect(() => encodeRequest('getService', { ...key, family: 3 })).toThrow(/invalid family/);
    expect(() => encodeRequest('getService', { ...key, port: 70000 })).toThrow(/invalid port/);
  });
});
