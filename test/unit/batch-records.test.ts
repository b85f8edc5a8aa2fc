// Batch operations cross to C++ as records (lib/records.ts OpWriter ->
// native/addon/records.cc): each must become exactly the request the
// single-operation encoder builds, and a record lib/ never writes is refused.
import { describe, expect, it } from 'vitest';
import { BATCH_OP, native, type RawDestination, type RawService } from '../../lib/native';
import { OpWriter } from '../../lib/records';

const { encodeRequest, encodeBatch } = native().testing;

const v4: RawService = { family: 2, protocol: 6, address: '192.0.2.1', port: 80, fwmark: 0, scheduler: 'wrr', pe: '', flags: 1, timeout: 600, netmask: 0xffffff00 };
const v6: RawService = { family: 10, protocol: 17, address: '2001:db8::ffff:192.0.2.1', port: 53, fwmark: 0, scheduler: 'sh', pe: 'sip', flags: 0x1c, timeout: 30, netmask: 64 };
const fwm: RawService = { family: 10, protocol: 0, address: '', port: 0, fwmark: 0xfffffff0, scheduler: 'mh', pe: '', flags: 0, timeout: 0, netmask: 128 };
const masq: RawDestination = { family: 2, address: '203.0.113.2', port: 8080, forwarding: 0, weight: 2147483647, upperThreshold: 100, lowerThreshold: 10, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 };
const gue: RawDestination = { family: 2, address: '203.0.113.3', port: 80, forwarding: 2, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 2 };
const key = (s: RawService) => ({ family: s.family, protocol: s.protocol, address: s.address, port: s.port, fwmark: s.fwmark });

describe('batch records', () => {
  it('encode to the same requests as the single operations', () => {
    const w = new OpWriter();
    const expected: Buffer[] = [];
    for (const s of [v4, v6, fwm]) {
      w.service(BATCH_OP.addService, s);
      expected.push(encodeRequest('addService', s));
      w.service(BATCH_OP.updateService, s);
      expected.push(encodeRequest('updateService', s));
      w.service(BATCH_OP.deleteService, key(s));
      expected.push(encodeRequest('deleteService', key(s)));
    }
    for (const d of [masq, gue]) {
      for (const op of ['addDestination', 'updateDestination', 'deleteDestination'] as const) {
        w.destination(BATCH_OP[op], key(v4), d);
        expected.push(encodeRequest(op, key(v4), d));
      }
    }
    // An IPv4 tunnel destination of an IPv6 service.
    w.destination(BATCH_OP.addDestination, key(v6), gue);
    expected.push(encodeRequest('addDestination', key(v6), gue));
    const got = encodeBatch(w.finish());
    expect(got.map((b) => b.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
  });

  it('fills chunk after chunk, no record across two', () => {
    const w = new OpWriter();
    for (let i = 0; i < 3000; i++) w.destination(BATCH_OP.addDestination, key(v4), { ...masq, port: i });
    expect(w.finish().length).toBeGreaterThan(1);
    const got = encodeBatch(w.finish());
    expect(got).toHaveLength(3000);
    for (const i of [0, 1259, 1260, 2999]) expect(got[i]!.equals(encodeRequest('addDestination', key(v4), { ...masq, port: i }))).toBe(true);
  });

  it('refuses records lib/ never writes', () => {
    const fail = (b: Buffer) => { try { encodeBatch([b]); } catch (e) { return e; } throw new Error('accepted'); };
    const one = () => { const w = new OpWriter(); w.service(BATCH_OP.addService, v4); return Buffer.from(w.finish()[0]!); };
    const bad = one(); bad.writeUInt16LE(3, 8); // family
    expect(fail(bad)).toMatchObject({ origin: 'protocol', message: expect.stringMatching(/family 3/) });
    const addr = one(); addr.write('192.0.2.x', 8 + 32, 'latin1');
    expect(fail(addr)).toMatchObject({ message: expect.stringMatching(/address/) });
    const kind = one(); kind.writeUInt32LE(9, 0);
    expect(fail(kind)).toMatchObject({ message: expect.stringMatching(/kind 9/) });
    expect(fail(one().subarray(0, 100))).toMatchObject({ message: expect.stringMatching(/truncated/) });
    const destOp = one(); destOp.writeUInt32LE(BATCH_OP.addDestination, 0); // no destination record follows
    expect(fail(destOp)).toMatchObject({ message: expect.stringMatching(/truncated/) });
    const name = one(); name[8 + 28] = 16;
    expect(fail(name)).toMatchObject({ message: expect.stringMatching(/name length/) });
  });
});
