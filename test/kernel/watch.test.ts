// watch(): periodic samples with counter deltas from real traffic through a
// NAT service, change events in order, and timers that stop on close.
import { expect, it } from 'vitest';
import { Ipvs, type TableChange, type WatchSample } from '../../lib/index';
import { ipvsadm, until, useNatTopology } from './helpers';

const ctx = useNatTopology();

it('reports added, changed and removed objects, and the traffic of each interval', async () => {
  const { t, ipvs } = ctx;
  ipvsadm('-C');
  const key = { protocol: 'tcp', address: t.vip.v4, port: 80 } as const;
  const watch = ipvs.watch({ interval: 200 });
  const events: string[] = [];
  watch.on('sample', (s: WatchSample) => events.push(`sample ${s.changes.length}`));
  watch.on('change', (c: TableChange) => events.push(`${c.action} ${c.destination ? 'destination' : 'service'}`));
  const samples = watch[Symbol.asyncIterator]();
  const first = (await samples.next()).value as WatchSample;
  expect(first).toMatchObject({ interval: 0, changes: [], services: [] });

  await ipvs.apply([{ ...key, scheduler: 'rr', destinations: t.servers.map((s) => ({ address: s.v4, port: s.port })) }]);
  let sample: WatchSample;
  do sample = (await samples.next()).value as WatchSample;
  while (sample.changes.length === 0);
  // The service first; its destinations in the kernel's listing order.
  expect(sample.changes[0]).toEqual({ action: 'add', service: key });
  expect(sample.changes.slice(1)).toEqual(expect.arrayContaining(t.servers.map((s) => ({ action: 'add', service: key, destination: { address: s.v4, port: s.port } }))));
  expect(sample.changes).toHaveLength(3);
  expect(events.slice(-4)).toEqual(['sample 3', 'add service', 'add destination', 'add destination']);
  expect(sample.interval).toBeGreaterThan(0.1);
  expect(sample.services[0]!.delta).toBeUndefined(); // new in this sample

  // Six requests: the deltas of the samples that follow add up to them, per service and per destination.
  await t.request(6);
  let connections = 0n;
  const perDestination = new Map<string, bigint>();
  let rateSeen = false;
  await until(async () => {
    const s = (await samples.next()).value as WatchSample;
    const svc = s.services[0]!;
    connections += svc.delta!.connections;
    if (svc.delta!.cps > 0) rateSeen = true;
    expect(svc.delta!.cps).toBeCloseTo(Number(svc.delta!.connections) / s.interval, 6);
    for (const d of svc.destinations) perDestination.set(d.address, (perDestination.get(d.address) ?? 0n) + d.delta!.connections);
    return connections === 6n ? true : undefined;
  }, 'six connections counted in deltas');
  expect(rateSeen).toBe(true);
  expect([...perDestination.values()]).toEqual([3n, 3n]);

  // A weight change in place, then zero(): counters go down, flagged as a reset.
  await ipvs.updateDestination(key, { address: t.servers[0]!.v4, port: t.servers[0]!.port, weight: 5 });
  do sample = (await samples.next()).value as WatchSample;
  while (sample.changes.length === 0);
  expect(sample.changes).toEqual([{ action: 'update', service: key, destination: { address: t.servers[0]!.v4, port: t.servers[0]!.port } }]);
  await ipvs.zero();
  await until(async () => {
    const s = (await samples.next()).value as WatchSample;
    return s.services[0]!.delta!.reset ? s : undefined;
  }, 'a reset seen');

  await ipvs.deleteService(key);
  do sample = (await samples.next()).value as WatchSample;
  while (sample.changes.length === 0);
  expect(sample.changes).toEqual([{ action: 'delete', service: key }]);
  expect(sample.services).toEqual([]);

  // Leaving the loop closes the watch; no sample comes after.
  await samples.return(undefined);
  expect(watch.closed).toBe(true);
  const count = events.length;
  await new Promise((r) => setTimeout(r, 700));
  expect(events.length).toBe(count);
});

it('close() stops the timer, ends iterators, and errors reach the iterator and listeners', async () => {
  const { ipvs } = ctx;
  const watch = ipvs.watch({ interval: 100 });
  const seen: WatchSample[] = [];
  watch.on('sample', (s: WatchSample) => seen.push(s));
  await until(async () => (seen.length >= 2 ? true : undefined), 'two samples');
  // Samples are kept for iterators only; an iterator started now waits for the next one.
  const pending = watch[Symbol.asyncIterator]().next();
  watch.close();
  expect(await pending).toEqual({ value: undefined, done: true });
  const n = seen.length;
  await new Promise((r) => setTimeout(r, 400));
  expect(seen.length).toBe(n);

  const other = await Ipvs.open();
  const failing = other.watch({ interval: 100 });
  const errors: unknown[] = [];
  failing.on('error', (e) => errors.push(e));
  other.close();
  await expect(failing[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
  expect(errors).toHaveLength(1);
  expect(failing.closed).toBe(true);

  // Two iterators each get every sample; the watch ends when the last one leaves.
  const both = ipvs.watch({ interval: 100 });
  const a = both[Symbol.asyncIterator]();
  const b = both[Symbol.asyncIterator]();
  const fromA: WatchSample[] = [];
  const fromB: WatchSample[] = [];
  for (let i = 0; i < 3; i++) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    fromA.push(x.value as WatchSample);
    fromB.push(y.value as WatchSample);
  }
  expect(fromB.map((x) => x.time)).toEqual(fromA.map((x) => x.time));
  expect(new Set(fromA.map((x) => x.time)).size).toBe(3);
  await a.return(undefined);
  expect(both.closed).toBe(false);
  await b.return(undefined);
  expect(both.closed).toBe(true);

  expect(() => ipvs.watch({ interval: 10 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  expect(() => ipvs.watch({ every: 1 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
});
