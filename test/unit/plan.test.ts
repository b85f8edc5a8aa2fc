// apply()'s planner on its own: two tables in, the changes and their undo out.
// (The kernel tests run the same plans against the kernel.) The kernel's side
// is built here as the desired one, from the same objects: the raw values are
// those the kernel's records hold.
import { describe, expect, it } from 'vitest';
import type { DesiredService, SnapshotService } from '../../lib/index';
import { BATCH_OP } from '../../lib/native';
import { destinationId } from '../../lib/table/identity';
import { checkDesired, plan, undo as undoOf, type DesiredIndex, type TableIndex } from '../../lib/table/plan';

const NAMES = Object.keys(BATCH_OP);
const operation = (s: { kind: number }) => NAMES[s.kind]!;

const stats = { connections: 5n, inPackets: 1n, outPackets: 1n, inBytes: 1n, outBytes: 1n, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
const flags = { onePacket: false, schedFlag1: false, schedFlag2: false, schedFlag3: false };
const dest = (address: string, weight = 1) => ({ address, port: 80, family: address.includes(':') ? 'inet6' as const : 'inet' as const, forwarding: 'masq' as const, weight, upperThreshold: 0, lowerThreshold: 0, activeConnections: 3, inactiveConnections: 0, persistentConnections: 0, stats });
const kernel: SnapshotService[] = [
  { protocol: 'tcp', address: '192.0.2.1', port: 80, family: 'inet', scheduler: 'wlc', flags, stats, destinations: [dest('203.0.113.2'), dest('203.0.113.3', 2)] },
  { protocol: 'tcp', address: '2001:db8::1', port: 80, family: 'inet6', scheduler: 'rr', persistence: { timeout: 60, netmask: 64 }, flags, stats, destinations: [dest('2001:db8:1::2')] },
  { fwmark: 9, family: 'inet', scheduler: 'wlc', flags, stats, destinations: [] },
];
/** The kernel's side from objects of the same shape. */
const asKernel = (d: DesiredIndex): TableIndex => new Map([...d].map(([id, e]) => [id, { raw: e.raw, destinations: new Map(e.destinations!.map((x) => [destinationId(x), x])) }]));
const changesOf = async (desired: DesiredService[], prune = false) => await plan(asKernel(await checkDesired(kernel)), await checkDesired(desired), prune);

describe('plan()', () => {
  it('is empty for the table itself, with any spelling of its addresses', async () => {
    expect(await changesOf(kernel)).toEqual([]);
    expect(await changesOf(kernel, true)).toEqual([]);
    const spelled = structuredClone(kernel) as DesiredService[];
    (spelled[1] as { address: string }).address = '2001:DB8:0:0:0:0:0:1';
    spelled[1]!.destinations = [{ address: '2001:db8:1:0::2', port: 80 }];
    expect(await changesOf(spelled)).toEqual([]);
  });

  it('orders services before destinations, and undoes each step with the old settings', async () => {
    const desired: DesiredService[] = [
      { protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'rr', destinations: [{ address: '203.0.113.2', port: 80, weight: 4 }, { address: '203.0.113.4', port: 80 }] },
      { protocol: 'udp', address: '192.0.2.1', port: 53, destinations: [{ address: '203.0.113.5', port: 53 }] },
    ];
    const steps = await changesOf(desired, true);
    expect(steps.map((s) => [operation(s), s.destination?.address ?? s.service])).toEqual([
      ['addService', { protocol: 'udp', address: '192.0.2.1', port: 53 }],
      ['updateService', { protocol: 'tcp', address: '192.0.2.1', port: 80 }],
      ['deleteDestination', '203.0.113.3'],
      ['updateDestination', '203.0.113.2'],
      ['addDestination', '203.0.113.4'],
      ['addDestination', '203.0.113.5'],
      ['deleteService', { protocol: 'tcp', address: '2001:db8::1', port: 80 }],
      ['deleteService', { fwmark: 9, family: 'inet' }],
    ]);
    const undo = Object.fromEntries(steps.map((s) => [`${operation(s)} ${s.destination?.address ?? ''}`, undoOf(s).map((u) => [operation(u), u.destination ?? u.service])]));
    expect(undo['updateService ']).toEqual([['updateService', expect.objectContaining({ scheduler: 'wlc' })]]);
    expect(undo['deleteDestination 203.0.113.3']).toEqual([['addDestination', expect.objectContaining({ address: '203.0.113.3', weight: 2 })]]);
    expect(undo['updateDestination 203.0.113.2']).toEqual([['updateDestination', expect.objectContaining({ weight: 1 })]]);
    expect(undo['addDestination 203.0.113.4']).toEqual([['deleteDestination', expect.objectContaining({ address: '203.0.113.4' })]]);
    expect(undo['addDestination 203.0.113.5']).toEqual([]); // undoing its service's add removes it
    const readd = undoOf(steps.find((s) => operation(s) === 'deleteService' && 'address' in s.service)!);
    expect(readd.map(operation)).toEqual(['addService', 'addDestination']);
    expect(readd[0]!.service).toMatchObject({ scheduler: 'rr', flags: 1, timeout: 60, netmask: 64 });
  });

  it('leaves destinations alone when a desired service lists none, and services alone without prune', async () => {
    expect(await changesOf([{ protocol: 'tcp', address: '192.0.2.1', port: 80 }])).toEqual([]);
    expect((await changesOf([{ protocol: 'tcp', address: '192.0.2.1', port: 80, destinations: [] }])).map(operation)).toEqual(['deleteDestination', 'deleteDestination']);
  });

  it('updates what the kernel holds but the API cannot express, and its undo restores it exactly', async () => {
    const odd = asKernel(await checkDesired(kernel));
    [...odd.values()][0]!.destinations.get('203.0.113.2 80')!.forwarding = 5; // a value only other tools set
    const steps = await plan(odd, await checkDesired(kernel), false);
    expect(steps.map((s) => [operation(s), s.destination?.address])).toEqual([['updateDestination', '203.0.113.2']]);
    expect(undoOf(steps[0]!)).toEqual([{ kind: BATCH_OP.updateDestination, service: steps[0]!.rawService, destination: expect.objectContaining({ address: '203.0.113.2', forwarding: 5 }) }]);
  });
});
