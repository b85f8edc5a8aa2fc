// Batched writes against the kernel: order, per-operation results, failures
// in the middle of a window, and every wire strategy giving the same table.
import { describe, expect, it } from 'vitest';
import { IpvsBatchError, type BatchRunOptions } from '../../lib/index';
import { BATCH_OP, native } from '../../lib/native';
import { OpWriter } from '../../lib/records';
import { ipvsadm, saved, useIpvs } from './helpers';

const ctx = useIpvs();
const web = { protocol: 'tcp', address: '192.0.2.1', port: 80 } as const;
const dns = { protocol: 'udp', address: '2001:db8::53', port: 53 } as const;

describe('batch()', () => {
  it('sends adds, updates and deletes in order and reports each', async () => {
    const b = ctx.ipvs.batch()
      .addService({ ...web, scheduler: 'rr' })
      .addDestination(web, { address: '203.0.113.2', port: 8080, weight: 2 })
      .addDestination(web, { address: '203.0.113.3', port: 8080 })
      .addService({ ...dns, scheduler: 'sh', flags: { onePacket: true } })
      .addDestination(dns, { address: '2001:db8:1::2', port: 53, forwarding: 'route' })
      .updateDestination(web, { address: '203.0.113.2', port: 8080, weight: 5 })
      .updateService({ ...web, scheduler: 'wrr' })
      .deleteDestination(web, { address: '203.0.113.3', port: 8080 });
    expect(b.size).toBe(8);
    const results = await b.run();
    expect(b.size).toBe(0);
    expect(results.map((r) => [r.index, r.operation, r.error])).toEqual([
      [0, 'addService', undefined], [1, 'addDestination', undefined], [2, 'addDestination', undefined], [3, 'addService', undefined],
      [4, 'addDestination', undefined], [5, 'updateDestination', undefined], [6, 'updateService', undefined], [7, 'deleteDestination', undefined],
    ]);
    expect(results[5]!.target).toEqual({ service: 'TCP 192.0.2.1:80', destination: '203.0.113.2:8080' });
    expect(saved()).toEqual([
      '-A -t 192.0.2.1:80 -s wrr',
      '-a -t 192.0.2.1:80 -r 203.0.113.2:8080 -m -w 5',
      '-A -u [2001:db8::53]:53 -s sh -o',
      '-a -u [2001:db8::53]:53 -r [2001:db8:1::2]:53 -g -w 1',
    ]);
  });

  it.each<[string, BatchRunOptions]>([
    ['one request per datagram', { window: 1 }],
    ['two per datagram', { window: 2 }],
    ['the default window', {}],
    ['an ACK for each', { window: 3, ackEach: true }],
  ])('reports exactly the failed operations and applies the rest (%s)', async (_, options) => {
    ipvsadm('-A', '-t', '192.0.2.9:80');
    const b = ctx.ipvs.batch()
      .addService(web) // 0 ok
      .addService({ protocol: 'tcp', address: '192.0.2.9', port: 80 }) // 1 EEXIST
      .addDestination({ protocol: 'tcp', address: '192.0.2.7', port: 80 }, { address: '203.0.113.2', port: 80 }) // 2 ESRCH
      .addDestination(web, { address: '203.0.113.2', port: 80 }) // 3 ok
      .updateDestination(web, { address: '203.0.113.99', port: 80 }) // 4 ENOENT
      .addService({ protocol: 'tcp', address: '192.0.2.2', port: 80, scheduler: 'nosuch' }) // 5 ENOENT
      .addDestination(web, { address: '203.0.113.3', port: 80 }); // 6 ok, last of the batch
    const err = (await b.run(options).catch((e: unknown) => e)) as IpvsBatchError;
    expect(err).toBeInstanceOf(IpvsBatchError);
    expect(err.code).toBe('ERR_IPVS_BATCH');
    expect(err.failures.map((f) => [f.index, f.operation, f.error!.code])).toEqual([
      [1, 'addService', 'EEXIST'], [2, 'addDestination', 'ESRCH'], [4, 'updateDestination', 'ENOENT'], [5, 'addService', 'ENOENT'],
    ]);
    expect(err.failures[1]!.error).toMatchObject({ operation: 'addDestination', syscall: 'netlink', errno: -3, target: { service: 'TCP 192.0.2.7:80', destination: '203.0.113.2:80' } });
    expect(err.failures[1]!.error!.message).toMatch(/service not defined/);
    expect(err.results).toHaveLength(7);
    expect(err.results.filter((r) => !r.error).map((r) => r.index)).toEqual([0, 3, 6]);
    expect(err.message).toMatch(/4 of 7 operations failed.*#1 addService TCP 192.0.2.9:80: service already exists/);
    expect(saved()).toEqual([
      '-A -t 192.0.2.1:80 -s wlc',
      '-a -t 192.0.2.1:80 -r 203.0.113.2:80 -m -w 1',
      '-a -t 192.0.2.1:80 -r 203.0.113.3:80 -m -w 1',
      '-A -t 192.0.2.9:80 -s wlc',
    ]);
  });

  it('a failure as the last request of a window still ends it, and the next window runs', async () => {
    const b = ctx.ipvs.batch().addService(web).addService(web).addService(dns).addService(dns);
    const err = (await b.run({ window: 2 }).catch((e: unknown) => e)) as IpvsBatchError;
    expect(err.failures.map((f) => f.index)).toEqual([1, 3]);
    expect(saved()).toHaveLength(2);
  });

  it('creates thousands of objects, window after window', async () => {
    const b = ctx.ipvs.batch();
    for (let i = 0; i < 3000; i++) {
      const svc = { protocol: 'tcp', address: `10.${i >> 8}.${i & 255}.1`, port: 80 } as const;
      b.addService(svc).addDestination(svc, { address: '10.200.0.1', port: 80 }).addDestination(svc, { address: '10.200.0.2', port: 80 });
    }
    const results = await b.run({ window: 700 }); // windows end mid-service
    expect(results).toHaveLength(9000);
    const listing = ipvsadm('-Ln');
    expect(listing.match(/^TCP /gm)).toHaveLength(3000);
    expect(listing.match(/Masq/g)).toHaveLength(6000);
  });

  it('refuses bad input when it is queued, before anything is sent', async () => {
    const b = ctx.ipvs.batch().addService(web);
    expect(() => b.addService({ ...web, port: 70000 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => b.addDestination(web, { address: 'nope', port: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => b.deleteService({ fwmark: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(b.size).toBe(1);
    await expect(b.run({ window: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(b.run({ mode: 'fast' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(saved()).toEqual([]);
    expect(await b.run()).toHaveLength(1);
    expect(await ctx.ipvs.batch().run()).toEqual([]);
  });
});

describe('the wire layer under batch()', () => {
  it('splits a window that outgrows its byte limit and keeps every outcome in place', async () => {
    // 40 operations, windows of 16, but at most 1,000 bytes (about 6 requests) per datagram.
    const w = new OpWriter();
    const key = { family: 2, protocol: 6, address: '192.0.2.1', port: 80, fwmark: 0 };
    w.service(BATCH_OP.addService, { ...key, scheduler: 'wlc', pe: '', flags: 0, timeout: 0, netmask: 0xffffffff });
    for (let i = 0; i < 39; i++) {
      // Every tenth destination twice: the second add fails with EEXIST.
      const port = i % 10 === 9 ? i - 1 + 1000 : i + 1000;
      w.destination(BATCH_OP.addDestination, key, { family: 2, address: '203.0.113.2', port, forwarding: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 });
    }
    const h = await native().open({ timeoutMs: 10000 });
    try {
      const failures = await h.runBatch(w.finish(), { window: 16, windowBytes: 1000 });
      expect(failures.map(([i, e]) => [i, e.errno])).toEqual([[10, -17], [20, -17], [30, -17]]);
    } finally {
      h.close();
    }
    expect(saved().filter((l) => l.startsWith('-a'))).toHaveLength(36);
  });
});
