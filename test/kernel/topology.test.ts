// The harness's own check: real HTTP traffic through an IPVS NAT service
// set up with ipvsadm, alternating between the two real servers.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { natTopology, sh, type NatTopology } from '../harness/topology.js';

let t: NatTopology;
beforeAll(async () => {
  t = await natTopology();
});
afterAll(async () => {
  await t?.teardown();
});

test('NAT round robin alternates rs1 and rs2 (IPv4)', async () => {
  const vip = `${t.vip.v4}:80`;
  await sh('ipvsadm', '-A', '-t', vip, '-s', 'rr');
  for (const s of t.servers) await sh('ipvsadm', '-a', '-t', vip, '-r', `${s.v4}:${s.port}`, '-m');
  const bodies = await t.request(4);
  expect(new Set(bodies)).toEqual(new Set(['rs1', 'rs2']));
  expect(bodies[0]).not.toBe(bodies[1]);
  expect(bodies.slice(2)).toEqual(bodies.slice(0, 2));
  expect(await sh('ipvsadm', '-Lnc')).toContain(`${t.client.v4}:`);
});

test('NAT round robin alternates rs1 and rs2 (IPv6)', async () => {
  const vip = `[${t.vip.v6}]:80`;
  await sh('ipvsadm', '-A', '-t', vip, '-s', 'rr');
  for (const s of t.servers) await sh('ipvsadm', '-a', '-t', vip, '-r', `[${s.v6}]:${s.port}`, '-m');
  const bodies = await t.request(4, t.vip.v6);
  expect(new Set(bodies)).toEqual(new Set(['rs1', 'rs2']));
  expect(bodies[0]).not.toBe(bodies[1]);
  expect(bodies.slice(2)).toEqual(bodies.slice(0, 2));
});
