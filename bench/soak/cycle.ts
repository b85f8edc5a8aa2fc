/**
 * One soak cycle: the whole public API, many times over, on three handles
 * (a long-lived one and a per-cycle one in the caller's namespace, a
 * long-lived one in a namespace of its own, plus one opened by descriptor
 * per cycle). Each cycle builds a 200-service x 4-destination table (TCP,
 * UDP and fwmark services, IPv4 and IPv6) with batch() and single calls,
 * dumps it every way there is, updates, zeroes, reads connections and
 * statistics, apply()s desired tables, runs operations that fail on purpose
 * (duplicates, missing objects, bad arguments, closed handles, an apply
 * that rolls back), and deletes everything again. It checks what it reads
 * back, so a soak also fails on wrong answers, not only on leaks.
 *
 * Used by bench/soak.ts (minutes of it, with process samples) and
 * test/kernel/soak.test.ts (seconds of it). Deterministic: every cycle adds
 * the same objects, so the kernel's destination trash (bench/raw/README.md)
 * revives them instead of growing.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { Ipvs, IpvsApplyError, IpvsBatchError, type DesiredService, type DestinationSpec, type ServiceKey, type ServiceSpec } from '../../lib/index';

/** The shape of the table each cycle builds. */
export interface CycleOptions {
  /** Services per table (default 200), a multiple of 10. */
  services?: number;
  /** Destinations per service (default 4, at most 250). */
  destinations?: number;
}

/** The long-lived side of a soak: handles and the namespace they use. */
export interface SoakContext {
  /** Lives the whole soak, in the process's namespace. */
  long: Ipvs;
  /** Lives the whole soak, in `namespace`. */
  other: Ipvs;
  /** Name of the extra network namespace (`ip netns`), path /run/netns/<name>. */
  namespace: string;
  services: number;
  destinations: number;
}

/** What one cycle did. */
export interface CycleResult {
  /** Calls made on the API, each batched operation counted as one. */
  operations: number;
  /** Of them, the ones that failed as they had to. */
  expectedFailures: number;
}

const SCHEDULERS = ['wlc', 'rr', 'wrr', 'lc', 'sh', 'mh'] as const;

/** Creates the namespace and opens the long-lived handles. */
export async function openSoak(options: CycleOptions = {}): Promise<SoakContext> {
  const services = options.services ?? 200;
  const destinations = options.destinations ?? 4;
  if (services % 10 !== 0 || services < 10 || services > 2000) throw new RangeError('services: a multiple of 10, 10..2000');
  if (destinations < 1 || destinations > 250) throw new RangeError('destinations: 1..250');
  const namespace = `ipvs-soak-${process.pid}`;
  sh('ip', 'netns', 'add', namespace);
  // Without lo up, IPv4 destinations fail with EINVAL (no local routing table).
  sh('ip', '-n', namespace, 'link', 'set', 'lo', 'up');
  const long = await Ipvs.open();
  const other = await Ipvs.open({ netns: `/run/netns/${namespace}` });
  await Promise.all([long.flush(), other.flush()]);
  return { long, other, namespace, services, destinations };
}

/** Empties both tables, closes the handles, deletes the namespace. */
export async function closeSoak(ctx: SoakContext): Promise<void> {
  try {
    await Promise.all([ctx.long.flush(), ctx.other.flush()]);
  } finally {
    ctx.long.close();
    ctx.other.close();
    sh('ip', 'netns', 'del', ctx.namespace);
  }
}

function sh(cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// ---------------------------------------------------------------------------
// The table. Service i (of n): kind i % 5 — 0, 1: TCP IPv4; 2: UDP IPv4;
// 3: TCP or UDP IPv6; 4: fwmark, IPv4 or IPv6. Destination j of service i:
// masq, route, or (IPv4 only, now and then) an IPIP tunnel.

type Kind = 'tcp4' | 'udp4' | 'inet6' | 'fwmark';
const kindOf = (i: number): Kind => (['tcp4', 'tcp4', 'udp4', 'inet6', 'fwmark'] as const)[i % 5]!;
const isV6 = (i: number) => kindOf(i) === 'inet6' || (kindOf(i) === 'fwmark' && i % 10 === 9);

function serviceKey(i: number): ServiceKey {
  const hi = Math.floor(i / 250);
  const lo = (i % 250) + 1;
  switch (kindOf(i)) {
    case 'tcp4':
      return { protocol: 'tcp', address: `10.61.${hi}.${lo}`, port: 80 };
    case 'udp4':
      return { protocol: 'udp', address: `10.62.${hi}.${lo}`, port: 53 };
    case 'inet6':
      return { protocol: i % 2 ? 'udp' : 'tcp', address: `2001:db8:61::${hi}:${lo.toString(16)}`, port: 443 };
    case 'fwmark':
      return isV6(i) ? { fwmark: 1000 + i, family: 'inet6' } : { fwmark: 1000 + i };
  }
}

function serviceSpec(i: number, round: number): ServiceSpec {
  const spec: ServiceSpec = { ...serviceKey(i), scheduler: SCHEDULERS[(i + round) % SCHEDULERS.length]! };
  if (i % 7 === 0) spec.persistence = { timeout: 300 + round, ...(isV6(i) ? { netmask: 64 } : { netmask: '255.255.255.0' }) };
  // One-packet scheduling: UDP and fwmark services only.
  const udpLike = kindOf(i) === 'udp4' || kindOf(i) === 'fwmark' || (kindOf(i) === 'inet6' && i % 2 === 1);
  if (udpLike && i % 3 === 0) spec.flags = { onePacket: true };
  return spec;
}

function destinationSpec(i: number, j: number, weight: number): DestinationSpec {
  const port = kindOf(i) === 'fwmark' ? 0 : 8000 + j;
  const n = (i % 200) + 1;
  if (isV6(i)) return { address: `2001:db8:62::${j + 1}:${n.toString(16)}`, port, forwarding: j % 2 ? 'route' : 'masq', weight };
  const address = `10.63.${j}.${n}`;
  if (j === 3 && i % 4 === 1) return { address, port, forwarding: 'tunnel', tunnel: { type: 'ipip' }, weight };
  return { address, port, forwarding: j % 2 ? 'route' : 'masq', weight };
}

/** The table as apply() takes it; `round` changes schedulers and weights. */
export function desiredTable(n: number, d: number, round: number): DesiredService[] {
  const out: DesiredService[] = [];
  for (let i = 0; i < n; i++) {
    const destinations: DestinationSpec[] = [];
    for (let j = 0; j < d; j++) destinations.push(destinationSpec(i, j, 1 + ((i + j + round) % 5)));
    out.push({ ...serviceSpec(i, round), destinations });
  }
  return out;
}

// ---------------------------------------------------------------------------

class Counter {
  operations = 0;
  expectedFailures = 0;
  /** Counts `k` calls. */
  add(k = 1) {
    this.operations += k;
  }
  /** Resolves when `p` rejects with `code` (a string: the error's code; a class: instanceof). */
  async fails(p: Promise<unknown> | (() => unknown), code: string | (new (...a: never[]) => Error), what: string): Promise<void> {
    this.operations++;
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      const ok = typeof code === 'string' ? (e as { code?: unknown }).code === code : e instanceof code;
      if (!ok) throw new Error(`soak: ${what}: expected ${typeof code === 'string' ? code : code.name}, got ${String((e as Error)?.stack ?? e)}`);
      this.expectedFailures++;
      return;
    }
    throw new Error(`soak: ${what}: succeeded, expected ${typeof code === 'string' ? code : code.name}`);
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`soak: ${what}`);
}

/**
 * One cycle (`round` counts cycles: it varies schedulers and weights).
 * Leaves both tables empty, and every handle it opened closed.
 */
export async function runCycle(ctx: SoakContext, round: number): Promise<CycleResult> {
  const { long, other, services: n, destinations: d } = ctx;
  const c = new Counter();
  const half = n / 2;
  const idx = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const firstHalf = idx(0, half);
  const secondHalf = idx(half, n);
  const all = idx(0, n);

  // A handle for this cycle only, in our namespace.
  const cycle = await Ipvs.open({ timeout: 10_000 });
  c.add();
  try {
    // --- create: half in one batch on the long handle, half as single calls on the cycle's.
    const b = long.batch();
    for (const i of firstHalf) {
      b.addService(serviceSpec(i, round));
      for (let j = 0; j < d; j++) b.addDestination(serviceKey(i), destinationSpec(i, j, 1));
    }
    const size = b.size;
    const results = await b.run(round % 3 === 0 ? { window: 64 } : {});
    c.add(size);
    check(results.length === size && results.every((r) => !r.error), 'batch add results');
    await Promise.all(secondHalf.map((i) => cycle.addService(serviceSpec(i, round))));
    c.add(secondHalf.length);
    await Promise.all(secondHalf.flatMap((i) => idx(0, d).map((j) => cycle.addDestination(serviceKey(i), destinationSpec(i, j, 1)))));
    c.add(secondHalf.length * d);

    // --- read it back every way.
    const [svcs, snap, snap2, info, timeouts, daemons] = await Promise.all([long.services(), long.snapshot(), cycle.snapshot(), long.info(), cycle.timeouts(), cycle.daemons()]);
    c.add(6);
    check(svcs.length === n, `services(): ${svcs.length} of ${n}`);
    check(snap.length === n && snap2.length === n, 'snapshot() length');
    check(snap.reduce((s, x) => s + x.destinations.length, 0) === n * d, 'snapshot() destinations');
    check(info.version.length > 0 && timeouts.tcp > 0 && daemons.length === 0, 'info/timeouts/daemons');
    const dests = await Promise.all(all.map((i) => (i % 2 ? long : cycle).destinations(serviceKey(i))));
    c.add(n);
    check(dests.every((l) => l.length === d), 'destinations() lengths');
    const some = await Promise.all(idx(0, 10).map((k) => long.service(serviceKey(k * (n / 10) + (round % (n / 10))))));
    c.add(10);
    check(some.every((s) => s.stats.connections >= 0n), 'service()');

    // --- update: services (schedulers) and destinations (weights), batched and single.
    const ub = long.batch();
    for (const i of firstHalf) {
      ub.updateService(serviceSpec(i, round + 1));
      for (let j = 0; j < d; j++) ub.updateDestination(serviceKey(i), destinationSpec(i, j, 2 + (j % 3)));
    }
    const usize = ub.size;
    await ub.run({ ackEach: round % 2 === 1 });
    c.add(usize);
    await Promise.all(secondHalf.map((i) => cycle.updateService(serviceSpec(i, round + 1))));
    c.add(secondHalf.length);
    await Promise.all(secondHalf.flatMap((i) => idx(0, d).map((j) => cycle.updateDestination(serviceKey(i), destinationSpec(i, j, 2 + (j % 3))))));
    c.add(secondHalf.length * d);
    const updated = await long.snapshot();
    c.add();
    const scheduler = SCHEDULERS[(round + 1) % SCHEDULERS.length];
    check(updated.some((s) => s.scheduler === scheduler), 'updated schedulers');
    check(updated.every((s) => s.destinations.every((x) => x.weight >= 2 && x.weight <= 4)), 'updated weights');

    // --- zero, statistics, connections.
    await Promise.all(idx(0, 5).map((k) => long.zero(serviceKey(k))));
    await long.zero();
    const [g, conns, g2] = await Promise.all([long.globalStats(), cycle.connections(), other.globalStats()]);
    c.add(8);
    check(g.connections >= 0n && g2.perCpu.length >= 0 && Array.isArray(conns), 'globalStats/connections');
    let rows = 0;
    for await (const _ of long.eachConnection({ template: false })) rows++;
    await long.connections({ service: { protocol: 'tcp' }, state: ['ESTABLISHED', 'SYN_RECV'], withOrigin: round % 2 === 0 });
    c.add(2);
    check(rows >= 0, 'eachConnection');

    // --- one watch sample (a timer and two snapshots).
    const w = long.watch({ interval: 100 });
    for await (const sample of w) {
      check(sample.services.length === n, 'watch sample');
      break;
    }
    c.add(2);

    // --- failures on purpose: the kernel's, the validators', closed handles.
    await failures(c, ctx, cycle, round);

    // --- apply() in our namespace: drop the last tenth (prune), reweight the rest.
    const desired = desiredTable(n - n / 10, d, round + 2);
    const plan = await long.apply(desired, { prune: true, dryRun: true });
    check(plan.length > 0, 'apply dry run');
    const changes = await long.apply(desired, { prune: true });
    check(changes.length === plan.length, `apply made ${changes.length} changes, planned ${plan.length}`);
    check((await long.apply(desired, { prune: true })).length === 0, 'apply again changes nothing');
    c.add(3 + changes.length);

    // --- apply() in the other namespace: build, change, re-apply, failed apply, empty.
    const theirs = desiredTable(n, d, round);
    check((await other.apply(theirs)).length === n + n * d, 'apply in the namespace');
    const reweighted = desiredTable(n, d, round + 1);
    await other.apply(reweighted);
    c.add(2 * (n + n * d));
    // One unknown scheduler in the middle: ENOENT, and everything before it rolled back.
    const broken = desiredTable(n, d, round + 3);
    broken[half] = { ...broken[half]!, scheduler: 'nonesuch' };
    await c.fails(other.apply(broken), IpvsApplyError, 'apply with an unknown scheduler');
    const after = await other.snapshot();
    c.add();
    check(after.length === n && after[0]!.destinations.length === d, 'rollback left the table as it was');
    // A handle by descriptor on the same namespace, for this cycle.
    const fd = openSync(`/run/netns/${ctx.namespace}`, 'r');
    let byFd: Ipvs;
    try {
      byFd = await Ipvs.open({ netns: fd });
    } finally {
      closeSync(fd);
    }
    try {
      check((await byFd.services()).length === n, 'services() by descriptor');
      check((await byFd.apply([], { prune: true })).length === n, 'apply([], prune) empties the namespace');
      c.add(3);
    } finally {
      byFd.close();
    }

    // --- delete: some single, some batched, the rest by flush.
    const left = await long.snapshot();
    c.add();
    const singles = left.slice(0, 20);
    await Promise.all(singles.map((s) => cycle.deleteDestination(s, s.destinations[0]!)));
    await Promise.all(singles.map((s) => cycle.deleteService(s)));
    c.add(singles.length * 2);
    const db = long.batch();
    for (const s of left.slice(20, 60)) {
      for (const x of s.destinations) db.deleteDestination(s, x);
      db.deleteService(s);
    }
    const dsize = db.size;
    await db.run();
    c.add(dsize);
    await long.flush();
    c.add();
    const [mine, theirsLeft] = await Promise.all([cycle.services(), other.services()]);
    c.add(2);
    check(mine.length === 0 && theirsLeft.length === 0, 'tables empty at the end of the cycle');

    // --- calls queued on a handle that is closed under them.
    const queued = [cycle.services(), cycle.snapshot(), cycle.info(), cycle.flush()].map((p) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'));
    cycle.close();
    const outcomes = await Promise.all(queued);
    c.add(queued.length);
    // The first may already be on its way (it then settles normally); the rest are refused.
    check(outcomes.slice(1).every((o) => o === 'ERR_IPVS_CLOSED' || o === 'ok'), `queued on close: ${outcomes.join(' ')}`);
    c.expectedFailures += outcomes.filter((o) => o === 'ERR_IPVS_CLOSED').length;
    await c.fails(cycle.services(), 'ERR_IPVS_CLOSED', 'services() after close');
  } finally {
    cycle.close();
  }
  return { operations: c.operations, expectedFailures: c.expectedFailures };
}

/** Operations that must fail, on a full table (every service of serviceKey exists). */
async function failures(c: Counter, ctx: SoakContext, cycle: Ipvs, round: number): Promise<void> {
  const { long, destinations: d } = ctx;
  const k0 = serviceKey(0);
  const k3 = serviceKey(3);
  const missing: ServiceKey = { protocol: 'tcp', address: '10.69.0.1', port: 1 };
  // Kernel refusals, single calls.
  await c.fails(long.addService(serviceSpec(0, round)), 'EEXIST', 'duplicate addService');
  await c.fails(cycle.addDestination(k0, destinationSpec(0, 0, 1)), 'EEXIST', 'duplicate addDestination');
  await c.fails(long.deleteService(missing), 'ESRCH', 'deleteService of a missing service');
  await c.fails(cycle.deleteDestination(k0, { address: '10.69.0.2', port: 8000 }), 'ENOENT', 'deleteDestination of a missing destination');
  await c.fails(long.updateDestination(k3, { address: '2001:db8:69::1', port: 1 }), 'ENOENT', 'updateDestination of a missing destination');
  await c.fails(long.updateService({ ...missing, scheduler: 'rr' }), 'ESRCH', 'updateService of a missing service');
  await c.fails(cycle.service(missing), 'ESRCH', 'service() of a missing service');
  await c.fails(cycle.destinations(missing), 'ESRCH', 'destinations() of a missing service');
  await c.fails(long.zero(missing), 'ESRCH', 'zero() of a missing service');
  await c.fails(long.addService({ ...missing, scheduler: 'nonesuch' }), 'ENOENT', 'addService with an unknown scheduler');
  await c.fails(cycle.stopDaemon('backup'), 'ESRCH', 'stopDaemon with none running');
  // A batch with failures mixed into successes (duplicates, missing), the rest applied.
  const fb = long.batch();
  fb.addService(serviceSpec(1, round)); // EEXIST
  fb.addService({ ...missing, scheduler: 'rr' }); // ok
  fb.addDestination(missing, { address: '10.69.0.3', port: 80 }); // ok
  fb.addDestination(missing, { address: '10.69.0.3', port: 80 }); // EEXIST
  fb.deleteDestination(k0, { address: '10.69.0.4', port: 80 }); // ENOENT
  fb.updateDestination(missing, { address: '10.69.0.3', port: 80, weight: 9 }); // ok
  fb.deleteService({ protocol: 'udp', address: '10.69.0.9', port: 9 }); // ESRCH
  fb.deleteService(missing); // ok
  const fbSize = fb.size;
  try {
    await fb.run({ window: 1 + (round % 4) });
    throw new Error('soak: the failing batch succeeded');
  } catch (e) {
    if (!(e instanceof IpvsBatchError)) throw e;
    check(e.failures.map((f) => f.error!.code).join() === 'EEXIST,EEXIST,ENOENT,ESRCH', `batch failures: ${e.failures.map((f) => f.error!.code).join()}`);
    check(e.failures.every((f) => typeof f.target.service === 'string'), 'batch failure targets');
  }
  c.add(fbSize);
  c.expectedFailures += 4;
  // Bad arguments: refused before anything is sent (thrown by batch(), rejected by the rest).
  await c.fails(long.addService({ protocol: 'tcp', address: 'not-an-address', port: 80 }), 'ERR_INVALID_ARG_VALUE', 'bad address');
  await c.fails(long.addService({ protocol: 'tcp', address: '10.69.0.1', port: 70000 }), 'ERR_OUT_OF_RANGE', 'bad port');
  await c.fails(cycle.addDestination(k0, { address: '2001:db8::1', port: 80 }), 'ERR_INVALID_ARG_VALUE', 'destination of the other family');
  await c.fails(cycle.updateDestination(k0, { address: '10.69.0.1', port: 80, weight: -1 }), 'ERR_OUT_OF_RANGE', 'negative weight');
  await c.fails(long.addService({ protocol: 'icmp', address: '10.69.0.1', port: 80 } as never), 'ERR_INVALID_ARG_VALUE', 'bad protocol');
  await c.fails(() => long.batch().addService({ fwmark: -1 }), 'ERR_OUT_OF_RANGE', 'bad fwmark in a batch');
  await c.fails(long.apply([{ protocol: 'tcp', address: '10.69.0.1', port: 80, destinations: [{ address: 'x', port: 1 }] }]), 'ERR_INVALID_ARG_VALUE', 'bad apply input');
  await c.fails(Ipvs.open({ timeout: 0 }), 'ERR_OUT_OF_RANGE', 'open with timeout 0');
  await c.fails(Ipvs.open({ netns: '/nonexistent/netns' }), 'ENOENT', 'open in a missing namespace');
  await c.fails(Ipvs.open({ netns: '/proc/self/status' }), 'EINVAL', 'open on a file that is no namespace');
  // Every service of the table is still there, each with its destinations.
  const snap = await cycle.snapshot();
  c.add();
  check(snap.length === ctx.services && snap.every((s) => s.destinations.length === d), 'table intact after the failures');
}
