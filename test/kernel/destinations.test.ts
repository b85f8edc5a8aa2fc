// Destinations against the kernel, cross-checked with ipvsadm.
import { describe, expect, it } from 'vitest';
import type { DestinationSpec } from '../../lib/index';
import { ipvsadm, saved, useIpvs } from './helpers';

const ctx = useIpvs();
const svc = { protocol: 'tcp', address: '192.0.2.1', port: 80 } as const;
const svcRule = '-A -t 192.0.2.1:80 -s wlc';

describe('add and read back', () => {
  it.each<[string, DestinationSpec, string]>([
    ['NAT with weight', { address: '203.0.113.2', port: 8080, forwarding: 'masq', weight: 3 }, '-r 203.0.113.2:8080 -m -w 3'],
    ['default NAT, weight 1', { address: '203.0.113.2', port: 8080 }, '-r 203.0.113.2:8080 -m -w 1'],
    ['direct routing', { address: '203.0.113.3', port: 80, forwarding: 'route', weight: 0 }, '-r 203.0.113.3:80 -g -w 0'],
    ['local node', { address: '127.0.0.1', port: 80, forwarding: 'local' }, '-r 127.0.0.1:80 -g -w 1'],
    ['IPIP tunnel', { address: '203.0.113.4', port: 80, forwarding: 'tunnel' }, '-r 203.0.113.4:80 -i -w 1 --tun-type ipip'],
    ['GUE tunnel', { address: '203.0.113.4', port: 80, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }, '-r 203.0.113.4:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum'],
    ['GUE remcsum', { address: '203.0.113.4', port: 80, forwarding: 'tunnel', tunnel: { type: 'gue', port: 5555, checksum: 'remcsum' } }, '-r 203.0.113.4:80 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum'],
    ['GRE tunnel', { address: '203.0.113.4', port: 80, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'csum' } }, '-r 203.0.113.4:80 -i -w 1 --tun-type gre --tun-csum'],
    ['large weight', { address: '203.0.113.2', port: 80, weight: 2147483647 }, '-r 203.0.113.2:80 -m -w 2147483647'],
  ])('%s', async (_name, dest, rule) => {
    await ctx.ipvs.addService(svc);
    await ctx.ipvs.addDestination(svc, dest);
    expect(saved()).toEqual([svcRule, `-a -t 192.0.2.1:80 ${rule}`]);
    const [read] = await ctx.ipvs.destinations(svc);
    // Read back, removed, re-added from what was read: the same rule.
    await ctx.ipvs.deleteDestination(svc, read!);
    expect(saved()).toEqual([svcRule]);
    await ctx.ipvs.addDestination(svc, read!);
    expect(saved()).toEqual([svcRule, `-a -t 192.0.2.1:80 ${rule}`]);
  });

  it('reads what ipvsadm created, thresholds included', async () => {
    ipvsadm('-A', '-t', '[2001:db8::1]:443', '-s', 'rr');
    ipvsadm('-a', '-t', '[2001:db8::1]:443', '-r', '[2001:db8:2::2]:8443', '-m', '-w', '5', '-x', '100', '-y', '10');
    ipvsadm('-a', '-t', '[2001:db8::1]:443', '-r', '[2001:db8:2::3]:443', '-i', '--tun-type', 'gue', '--tun-port', '7000', '--tun-remcsum');
    const dests = await ctx.ipvs.destinations({ protocol: 'tcp', address: '2001:db8::1', port: 443 });
    const byAddr = Object.fromEntries(dests.map((d) => [d.address, d]));
    expect(byAddr['2001:db8:2::2']).toMatchObject({ port: 8443, family: 'inet6', forwarding: 'masq', weight: 5, upperThreshold: 100, lowerThreshold: 10, activeConnections: 0, inactiveConnections: 0, persistentConnections: 0 });
    expect(byAddr['2001:db8:2::2']).not.toHaveProperty('tunnel');
    expect(byAddr['2001:db8:2::3']).toMatchObject({ forwarding: 'tunnel', tunnel: { type: 'gue', port: 7000, checksum: 'remcsum' } });
    expect(byAddr['2001:db8:2::3']!.stats.inBytes).toBe(0n);
  });

  it('sets thresholds, as ipvsadm -L --thresholds shows', async () => {
    await ctx.ipvs.addService(svc);
    await ctx.ipvs.addDestination(svc, { address: '203.0.113.2', port: 80, upperThreshold: 200, lowerThreshold: 50 });
    expect(ipvsadm('-Ln', '--thresholds')).toMatch(/-> 203\.0\.113\.2:80\s+200\s+50\s+0\s+0/);
  });

  it('mixes families for tunnel destinations only', async () => {
    await ctx.ipvs.addService(svc);
    await ctx.ipvs.addDestination(svc, { address: '2001:db8:2::9', port: 80, forwarding: 'tunnel' });
    expect(saved()).toEqual([svcRule, '-a -t 192.0.2.1:80 -r [2001:db8:2::9]:80 -i -w 1 --tun-type ipip']);
    const [d] = await ctx.ipvs.destinations(svc);
    expect(d).toMatchObject({ family: 'inet6', address: '2001:db8:2::9', forwarding: 'tunnel' });
  });

  it('works on fwmark services with port 0 destinations', async () => {
    await ctx.ipvs.addService({ fwmark: 7, scheduler: 'rr' });
    await ctx.ipvs.addDestination({ fwmark: 7 }, { address: '203.0.113.2', port: 0, forwarding: 'route', weight: 2 });
    expect(saved()).toEqual(['-A -f 7 -s rr', '-a -f 7 -r 203.0.113.2:0 -g -w 2']);
  });
});

describe('update and delete', () => {
  it('updateDestination changes weight and method in place', async () => {
    await ctx.ipvs.addService(svc);
    await ctx.ipvs.addDestination(svc, { address: '203.0.113.2', port: 80, forwarding: 'route', weight: 4 });
    const [d] = await ctx.ipvs.destinations(svc);
    await ctx.ipvs.updateDestination(svc, { ...d!, weight: 0 });
    expect(saved()).toEqual([svcRule, '-a -t 192.0.2.1:80 -r 203.0.113.2:80 -g -w 0']);
    await ctx.ipvs.updateDestination(svc, { address: '203.0.113.2', port: 80, forwarding: 'tunnel', weight: 9 });
    expect(saved()).toEqual([svcRule, '-a -t 192.0.2.1:80 -r 203.0.113.2:80 -i -w 9 --tun-type ipip']);
  });

  it('deleteDestination removes only that one', async () => {
    ipvsadm('-A', '-t', '192.0.2.1:80');
    ipvsadm('-a', '-t', '192.0.2.1:80', '-r', '203.0.113.2:80', '-m');
    ipvsadm('-a', '-t', '192.0.2.1:80', '-r', '203.0.113.3:80', '-m');
    await ctx.ipvs.deleteDestination(svc, { address: '203.0.113.2', port: 80 });
    expect(saved()).toEqual([svcRule, '-a -t 192.0.2.1:80 -r 203.0.113.3:80 -m -w 1']);
  });
});

describe('kernel errors', () => {
  it('EEXIST, ENOENT and ESRCH with the ipvsadm meaning', async () => {
    await ctx.ipvs.addService(svc);
    const d = { address: '203.0.113.2', port: 80 };
    await ctx.ipvs.addDestination(svc, d);
    await expect(ctx.ipvs.addDestination(svc, d)).rejects.toMatchObject({
      code: 'EEXIST', errno: -17, message: 'addDestination TCP 192.0.2.1:80 -> 203.0.113.2:80: destination already exists [EEXIST]',
    });
    await expect(ctx.ipvs.updateDestination(svc, { address: '203.0.113.2', port: 81 })).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/no such destination/) });
    await expect(ctx.ipvs.deleteDestination(svc, { address: '203.0.113.9', port: 80 })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(ctx.ipvs.deleteDestination({ ...svc, port: 81 }, d)).rejects.toMatchObject({ code: 'ESRCH', message: expect.stringMatching(/service not defined/) });
  });

  it('EINVAL for an address the kernel will not forward to', async () => {
    await ctx.ipvs.addService(svc);
    await expect(ctx.ipvs.addDestination(svc, { address: '0.0.0.0', port: 80 })).rejects.toMatchObject({ code: 'EINVAL', errno: -22 });
    await expect(ctx.ipvs.addDestination(svc, { address: '224.0.0.1', port: 80 })).rejects.toMatchObject({ code: 'EINVAL' });
    expect(saved()).toEqual([svcRule]);
  });
});

it('destinations() of a missing service says so', async () => {
  await expect(ctx.ipvs.destinations({ protocol: 'tcp', address: '192.0.2.99', port: 1 })).rejects.toMatchObject({
    code: 'ESRCH', message: 'destinations TCP 192.0.2.99:1: no such service [ESRCH]',
  });
});
