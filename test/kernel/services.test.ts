// Services against the kernel, each cross-checked with the real ipvsadm:
// created with ipvs and read with `ipvsadm -Sn`, or created with ipvsadm and read with ipvs.
import { describe, expect, it } from 'vitest';
import { IpvsError, SCHEDULERS, type ServiceSpec } from '../../lib/index';
import { ipvsadm, ipvsadmStatus, saved, useIpvs } from './helpers';

const ctx = useIpvs();
const tcp80 = { protocol: 'tcp', address: '192.0.2.1', port: 80 } as const;

describe('add and read back', () => {
  it.each<[string, ServiceSpec, string]>([
    ['TCP IPv4', { ...tcp80, scheduler: 'wrr' }, '-A -t 192.0.2.1:80 -s wrr'],
    ['UDP IPv4, default wlc', { protocol: 'udp', address: '192.0.2.1', port: 53 }, '-A -u 192.0.2.1:53 -s wlc'],
    ['SCTP IPv4', { protocol: 'sctp', address: '192.0.2.1', port: 38412, scheduler: 'rr' }, '-A --sctp-service 192.0.2.1:38412 -s rr'],
    ['TCP IPv6', { protocol: 'tcp', address: '2001:db8::1', port: 443, scheduler: 'lc' }, '-A -t [2001:db8::1]:443 -s lc'],
    ['fwmark IPv4', { fwmark: 1, scheduler: 'rr' }, '-A -f 1 -s rr'],
    ['fwmark IPv6', { fwmark: 2, family: 'inet6', scheduler: 'rr' }, '-A -f 2 -6 -s rr'],
    ['persistent, IPv4 netmask', { ...tcp80, scheduler: 'rr', persistence: { timeout: 600, netmask: '255.255.255.0' } }, '-A -t 192.0.2.1:80 -s rr -p 600 -M 255.255.255.0'],
    ['persistent, prefix length', { ...tcp80, scheduler: 'rr', persistence: { timeout: 60, netmask: 16 } }, '-A -t 192.0.2.1:80 -s rr -p 60 -M 255.255.0.0'],
    ['persistent, IPv6 prefix', { protocol: 'tcp', address: '2001:db8::1', port: 80, scheduler: 'lc', persistence: { timeout: 100, netmask: 64 } }, '-A -t [2001:db8::1]:80 -s lc -p 100 -M 64'],
    ['persistent fwmark', { fwmark: 3, scheduler: 'wrr', persistence: { timeout: 360 } }, '-A -f 3 -s wrr -p 360'],
    ['one-packet UDP with sh flags', { protocol: 'udp', address: '192.0.2.1', port: 53, scheduler: 'sh', flags: { onePacket: true, schedFlag1: true, schedFlag2: true } }, '-A -u 192.0.2.1:53 -s sh -o -b sh-fallback,sh-port'],
    ['mh port flag', { fwmark: 4, family: 'inet6', scheduler: 'mh', flags: { schedFlag2: true } }, '-A -f 4 -6 -s mh -b mh-port'],
    ['persistence engine', { protocol: 'udp', address: '192.0.2.1', port: 5060, scheduler: 'rr', persistence: { timeout: 30 }, pe: 'sip' }, '-A -u 192.0.2.1:5060 -s rr -p 30 --pe sip'],
    ['port 0 persistent', { protocol: 'tcp', address: '192.0.2.1', port: 0, scheduler: 'rr', persistence: { timeout: 360 } }, '-A -t 192.0.2.1:0 -s rr -p 360'],
  ])('%s', async (_name, spec, line) => {
    await ctx.ipvs.addService(spec);
    expect(saved()).toEqual([line]);
    const [svc] = await ctx.ipvs.services();
    ipvsadm('-C');
    // The read-back service is a valid spec: re-adding it gives the same rule.
    await ctx.ipvs.addService(svc!);
    expect(saved()).toEqual([line]);
  });

  it('reads what ipvsadm created', async () => {
    ipvsadm('-A', '-t', '[2001:db8::5]:8443', '-s', 'sed', '-p', '120', '-M', '48');
    ipvsadm('-A', '-f', '9', '-s', 'nq', '-o');
    ipvsadm('-A', '-u', '192.0.2.9:500', '-s', 'dh');
    const all = await ctx.ipvs.services();
    expect(all).toHaveLength(3);
    const v6 = await ctx.ipvs.service({ protocol: 'tcp', address: '2001:db8::5', port: 8443 });
    expect(v6).toMatchObject({ protocol: 'tcp', address: '2001:db8::5', port: 8443, family: 'inet6', scheduler: 'sed', persistence: { timeout: 120, netmask: 48 } });
    const fw = await ctx.ipvs.service({ fwmark: 9 });
    expect(fw).toMatchObject({ fwmark: 9, family: 'inet', scheduler: 'nq', flags: { onePacket: true, schedFlag1: false } });
    expect(fw).not.toHaveProperty('protocol');
    expect(fw).not.toHaveProperty('persistence');
    const udp = await ctx.ipvs.service({ protocol: 'udp', address: '192.0.2.9', port: 500 });
    expect(udp.stats).toEqual({ connections: 0n, inPackets: 0n, outPackets: 0n, inBytes: 0n, outBytes: 0n, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 });
  });

  it('works with every scheduler this kernel has', async () => {
    let port = 1000;
    for (const scheduler of SCHEDULERS) {
      const key = { protocol: 'tcp', address: '192.0.2.2', port: ++port } as const;
      // ipvsadm decides whether the kernel has the module; ipvs must agree.
      const reference = ipvsadmStatus('-A', '-t', `192.0.2.2:${port + 5000}`, '-s', scheduler);
      const ours = await ctx.ipvs.addService({ ...key, scheduler }).then(() => undefined, (e: IpvsError) => e);
      if (reference.status === 0) {
        expect(ours, scheduler).toBeUndefined();
        expect((await ctx.ipvs.service(key)).scheduler).toBe(scheduler);
      } else {
        expect(reference.stderr).toMatch(/Scheduler or persistence engine not found/);
        expect(ours).toMatchObject({ code: 'ENOENT', errno: -2, operation: 'addService' });
      }
    }
    // The classic ten and the newer fo, ovf and mh are in every kernel we support.
    const present = (await ctx.ipvs.services()).map((s) => s.scheduler);
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']) expect(present).toContain(s);
  });
});

describe('update and delete', () => {
  it('updateService replaces settings, as ipvsadm -E', async () => {
    await ctx.ipvs.addService({ ...tcp80, scheduler: 'rr', persistence: { timeout: 100 } });
    await ctx.ipvs.updateService({ ...tcp80, scheduler: 'wrr' });
    expect(saved()).toEqual(['-A -t 192.0.2.1:80 -s wrr']);
    const svc = await ctx.ipvs.service(tcp80);
    await ctx.ipvs.updateService({ ...svc, persistence: { timeout: 30, netmask: 24 } });
    expect(saved()).toEqual(['-A -t 192.0.2.1:80 -s wrr -p 30 -M 255.255.255.0']);
  });

  it('deleteService removes it and its destinations', async () => {
    ipvsadm('-A', '-t', '192.0.2.1:80');
    ipvsadm('-a', '-t', '192.0.2.1:80', '-r', '203.0.113.2:80', '-m');
    ipvsadm('-A', '-f', '5');
    await ctx.ipvs.deleteService(tcp80);
    expect(saved()).toEqual(['-A -f 5 -s wlc']);
    await ctx.ipvs.deleteService({ fwmark: 5 });
    expect(saved()).toEqual([]);
  });
});

describe('kernel errors', () => {
  it('EEXIST on a duplicate', async () => {
    await ctx.ipvs.addService(tcp80);
    const e = await ctx.ipvs.addService(tcp80).catch((x) => x);
    expect(e).toBeInstanceOf(IpvsError);
    expect(e).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'netlink', operation: 'addService', target: { service: 'TCP 192.0.2.1:80' } });
    expect(e.message).toBe('addService TCP 192.0.2.1:80: service already exists [EEXIST]');
  });

  it('ESRCH for a missing service, on every operation that names one', async () => {
    const missing = { protocol: 'udp', address: '192.0.2.77', port: 7 } as const;
    for (const [op, run] of [
      ['service', () => ctx.ipvs.service(missing)],
      ['updateService', () => ctx.ipvs.updateService(missing)],
      ['deleteService', () => ctx.ipvs.deleteService(missing)],
      ['destinations', () => ctx.ipvs.destinations(missing)],
      ['zero', () => ctx.ipvs.zero(missing)],
      ['addDestination', () => ctx.ipvs.addDestination(missing, { address: '203.0.113.2', port: 7 })],
    ] as const) {
      await expect(run(), op).rejects.toMatchObject({ code: 'ESRCH', errno: -3, operation: op });
    }
  });

  it('ENOENT for an unknown scheduler or persistence engine', async () => {
    await expect(ctx.ipvs.addService({ ...tcp80, scheduler: 'nosuch' })).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/scheduler or persistence engine not found/) });
    await expect(ctx.ipvs.addService({ ...tcp80, pe: 'nosuch', persistence: { timeout: 1 } })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(saved()).toEqual([]);
  });

  it('rejects bad arguments before anything reaches the kernel', async () => {
    ipvsadm('-A', '-t', '192.0.2.1:80', '-s', 'rr');
    const before = saved();
    const bad: unknown[] = [
      { ...tcp80, port: 70000 },
      { ...tcp80, protocol: 'icmp' },
      { ...tcp80, address: 'not-an-ip' },
      { ...tcp80, scheduler: 'x'.repeat(20) },
      { ...tcp80, persistence: { timeout: -1 } },
      { fwmark: 0 },
      null,
    ];
    for (const spec of bad) {
      await expect(ctx.ipvs.updateService(spec as ServiceSpec)).rejects.toHaveProperty('code', expect.stringMatching(/^ERR_(INVALID_ARG_TYPE|INVALID_ARG_VALUE|OUT_OF_RANGE)$/));
    }
    expect(saved()).toEqual(before);
  });
});
