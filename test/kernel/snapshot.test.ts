// snapshot(): every service with its destinations, the same objects the
// one-at-a-time reads give, for every kind of service the kernel holds.
import { expect, it } from 'vitest';
import { Ipvs } from '../../lib/index';
import { ipvsadm, useIpvs } from './helpers';

const ctx = useIpvs();

it('equals services() with destinations() of each, for every kind of service', async () => {
  ipvsadm('-A', '-t', '192.0.2.1:80', '-s', 'wrr', '-p', '600', '-M', '255.255.255.0');
  ipvsadm('-a', '-t', '192.0.2.1:80', '-r', '203.0.113.2:8080', '-m', '-w', '3', '-x', '100', '-y', '10');
  ipvsadm('-a', '-t', '192.0.2.1:80', '-r', '203.0.113.3:80', '-i', '--tun-type', 'gue', '--tun-port', '6080', '--tun-csum');
  ipvsadm('-A', '-u', '[2001:db8::1]:53', '-s', 'sh', '-b', 'sh-fallback,sh-port', '-o');
  ipvsadm('-a', '-u', '[2001:db8::1]:53', '-r', '[2001:db8:1::2]:53', '-g');
  ipvsadm('-A', '-f', '7', '-6', '-s', 'mh', '-p', '60');
  ipvsadm('-A', '--sctp-service', '192.0.2.3:9', '-s', 'rr');
  ipvsadm('-A', '-u', '192.0.2.4:5060', '-p', '30', '--pe', 'sip');
  const snapshot = await ctx.ipvs.snapshot();
  const services = await ctx.ipvs.services();
  expect(snapshot).toHaveLength(5);
  // The same objects; dumps of the kernel's hash tables need not list them in the same order.
  const one = await Promise.all(services.map(async (s) => ({ ...s, destinations: await ctx.ipvs.destinations(s) })));
  const key = (s: object) => JSON.stringify(s, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  expect(snapshot.map(key).sort()).toEqual(one.map(key).sort());
  const gue = snapshot.find((s) => 'port' in s && s.port === 80)!.destinations.find((d) => d.forwarding === 'tunnel');
  expect(gue).toMatchObject({ address: '203.0.113.3', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } });
  expect(snapshot.find((s) => 'fwmark' in s)).toMatchObject({ fwmark: 7, family: 'inet6', scheduler: 'mh', destinations: [] });
});

it('is empty for an empty table, and rejects on a closed handle', async () => {
  expect(await ctx.ipvs.snapshot()).toEqual([]);
  const other = await Ipvs.open();
  other.close();
  await expect(other.snapshot()).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED', operation: 'snapshot' });
  expect(() => other.watch()).toThrow(expect.objectContaining({ code: 'ERR_IPVS_CLOSED' }));
  await expect(other.apply([])).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
  await expect(other.batch().addService({ protocol: 'tcp', address: '192.0.2.1', port: 80 }).run()).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
});
