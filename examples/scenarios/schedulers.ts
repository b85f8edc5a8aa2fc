/**
 * The kernel's schedulers, each observed on real requests (a fresh service
 * per scheduler, real servers rs1..rs3):
 * - rr alternates; wrr follows weights (3:1 over 40 requests);
 * - lc, wlc, sed, nq with connections held open: where each connection
 *   lands equals what the kernel's rule gives (scheduler-models.ts);
 * - sh and mh keep each client on one server;
 * - dh keeps each destination address on one server (a fwmark service over
 *   four addresses, as for a cache cluster); lblc and lblcr too, until that
 *   server is overloaded (more active connections than its weight while
 *   another has less than half of its own): then the next goes elsewhere;
 * - fo sends everything to the highest weight; ovf sends to the highest
 *   weight until its active connections exceed its weight, then the next;
 * - twos (kernel 6.x) when the kernel has it.
 *
 *   npm run scenario -- schedulers
 * @module
 */
import { IpvsError, type Ipvs, type Scheduler } from '../../lib/index';
import { CLIENT_SIDE, markPackets, openLab, sh, tally, type Lab, type Outcome, type Print } from './lab';
import { held, type LeastScheduler } from './scheduler-models';

export interface SchedulerObserved {
  scheduler: Scheduler;
  /** False when the kernel has no such scheduler (its module is missing). */
  available: boolean;
  /** What was seen, per server or per client / destination address. */
  observed: Record<string, unknown>;
  /** What the scheduler's rule says, when it is exact. */
  expected?: Record<string, unknown>;
}

const PORT = 8090;
const CLIENTS = ['198.51.100.2', '198.51.100.3', '198.51.100.4'];
const EXTRA_CLIENTS = CLIENTS.slice(1);
/** Director addresses standing for the many sites a cache cluster serves (dh, lblc, lblcr). */
const SITES = ['198.51.100.12', '198.51.100.13', '198.51.100.14', '198.51.100.15'];
const SITES_PREFIX = '198.51.100.12/30';

const name = (answer: string) => answer.split(' ')[0]!;

interface Ctx {
  lab: Lab;
  ipvs: Ipvs;
  port: number;
}

type Key = { protocol: 'tcp'; address: string; port: number } | { fwmark: number };
const portOf = (key: Key) => ('port' in key ? key.port : 0);

/**
 * A fresh service for `scheduler` on the VIP (or a fwmark), with `weights`
 * for rs1..; rejects with ENOENT when the kernel has no such scheduler.
 */
async function service(ctx: Ctx, scheduler: Scheduler, weights: number[], fwmark?: number): Promise<Key> {
  const { lab, ipvs } = ctx;
  const key: Key = fwmark ? { fwmark } : { protocol: 'tcp', address: lab.net.vip.v4, port: ++ctx.port };
  await ipvs.addService({ ...key, scheduler });
  for (let i = 0; i < weights.length; i++) await ipvs.addDestination(key, { address: lab.net.servers[i]!.v4, port: PORT, weight: weights[i]! });
  return key;
}

/** Active connections per server name, as the kernel counts them. */
async function activePerServer(ctx: Ctx, key: Key): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const d of await ctx.ipvs.destinations(key)) out[ctx.lab.net.servers.find((s) => s.v4 === d.address)!.name] = d.activeConnections;
  return out;
}

/** Server names in the kernel's list order (the order the least-connection rules walk). */
async function listOrder(ctx: Ctx, key: Key): Promise<string[]> {
  return (await ctx.ipvs.destinations(key)).map((d) => ctx.lab.net.servers.find((s) => s.v4 === d.address)!.name);
}

async function roundRobin(ctx: Ctx): Promise<SchedulerObserved> {
  const key = await service(ctx, 'rr', [1, 1, 1]);
  const answers = (await ctx.lab.get(6, portOf(key))).map(name);
  const ok = answers.every((a, i) => i === 0 || a !== answers[i - 1]) && Object.values(tally(answers)).every((n) => n === 2);
  ctx.lab.checks.check(ok, `rr: 6 requests went ${answers.join(', ')}: each server in turn`);
  return { scheduler: 'rr', available: true, observed: { sequence: answers, perServer: tally(answers) } };
}

async function weightedRoundRobin(ctx: Ctx): Promise<SchedulerObserved> {
  const key = await service(ctx, 'wrr', [3, 1]);
  const perServer = tally((await ctx.lab.get(40, portOf(key))).map(name));
  const expected = { rs1: 30, rs2: 10 };
  ctx.lab.checks.check(perServer.rs1 === 30 && perServer.rs2 === 10, `wrr 3:1: 40 requests split ${JSON.stringify(perServer)} (expected ${JSON.stringify(expected)})`);
  return { scheduler: 'wrr', available: true, observed: { perServer }, expected };
}

/** lc, wlc, sed, nq: hold `count` connections open and compare where they sit with the kernel's rule. */
async function leastConnection(ctx: Ctx, scheduler: LeastScheduler, weights: number[], count: number): Promise<SchedulerObserved> {
  const key = await service(ctx, scheduler, weights);
  const order = await listOrder(ctx, key);
  const byName = Object.fromEntries(ctx.lab.net.servers.slice(0, weights.length).map((s, i) => [s.name, weights[i]!]));
  const model = held(scheduler, order.map((n) => byName[n]!), count);
  const expected = Object.fromEntries(order.map((n, i) => [n, model[i]!]));
  const connections = await ctx.lab.hold(count, portOf(key));
  try {
    const observed = await activePerServer(ctx, key);
    const ok = Object.keys(expected).every((n) => observed[n] === expected[n]);
    ctx.lab.checks.check(ok, `${scheduler} (weights ${order.map((n) => `${n}=${byName[n]}`).join(' ')}), ${count} connections held open: ${JSON.stringify(observed)} (the kernel's rule: ${JSON.stringify(expected)})`);
    if (scheduler === 'lc') {
      // The least loaded takes short requests while another holds a connection. Each
      // request is sent once the director counts the previous one as closed (inactive):
      // until its FIN passes, it still weighs as an active connection.
      const answers: Record<string, number> = {};
      for (let i = 0; i < 4; i++) {
        const [a] = (await ctx.lab.get(1, portOf(key))).map(name);
        answers[a!] = (answers[a!] ?? 0) + 1;
        for (let t = 0; t < 40 && JSON.stringify(await activePerServer(ctx, key)) !== JSON.stringify(observed); t++) await new Promise((r) => setTimeout(r, 100));
      }
      const busy = Object.keys(observed).filter((n) => observed[n]! > 0);
      ctx.lab.checks.check(busy.every((n) => !answers[n]), `lc: 4 short requests meanwhile went to the idle servers only ${JSON.stringify(answers)}`);
      return { scheduler, available: true, observed: { held: observed, shortRequests: answers }, expected };
    }
    return { scheduler, available: true, observed: { held: observed }, expected };
  } finally {
    await connections.close();
  }
}

/** sh, mh: every client stays on one server. */
async function bySource(ctx: Ctx, scheduler: 'sh' | 'mh'): Promise<SchedulerObserved> {
  const key = await service(ctx, scheduler, [1, 1, 1]);
  const perClient: Record<string, string[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const from of CLIENTS) (perClient[from] ??= []).push(...(await ctx.lab.get(1, portOf(key), undefined, from)).map(name));
  }
  const ok = Object.values(perClient).every((names) => new Set(names).size === 1);
  ctx.lab.checks.check(ok, `${scheduler}: each client kept one server over 3 rounds ${JSON.stringify(Object.fromEntries(Object.entries(perClient).map(([c, n]) => [c, n[0]])))}`);
  return { scheduler, available: true, observed: { perClient } };
}

/** dh, lblc, lblcr: a fwmark service over the SITES; each site's requests stay on one server. */
async function byDestination(ctx: Ctx, scheduler: 'dh' | 'lblc' | 'lblcr', mark: number): Promise<SchedulerObserved> {
  const key = await service(ctx, scheduler, [1, 1, 1], mark);
  await markPackets(CLIENT_SIDE, SITES_PREFIX, 9100 + mark, mark);
  const perSite: Record<string, string[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const site of SITES) (perSite[site] ??= []).push(...(await ctx.lab.get(1, 9100 + mark, site)).map(name));
  }
  const local = Object.values(perSite).every((names) => new Set(names).size === 1);
  ctx.lab.checks.check(local, `${scheduler}: each destination address stayed on one server over 3 rounds ${JSON.stringify(Object.fromEntries(Object.entries(perSite).map(([s, n]) => [s, n[0]])))}`);
  if (scheduler === 'dh') return { scheduler, available: true, observed: { perSite } };
  // Overload the first site's server: 2 connections held > weight 1, while others are idle.
  const site = SITES[0]!;
  const home = perSite[site]![0]!;
  const connections = await ctx.lab.hold(2, 9100 + mark, site);
  try {
    const [next] = (await ctx.lab.get(1, 9100 + mark, site)).map(name);
    const active = await activePerServer(ctx, key);
    ctx.lab.checks.check(active[home] === 2 && next !== home, `${scheduler}: with ${home} overloaded (2 active > weight 1, others idle), the next connection for ${site} went to ${next}`);
    return { scheduler, available: true, observed: { perSite, overloaded: home, next } };
  } finally {
    await connections.close();
  }
}

async function failover(ctx: Ctx): Promise<SchedulerObserved> {
  const key = await service(ctx, 'fo', [10, 5]);
  const before = tally((await ctx.lab.get(4, portOf(key))).map(name));
  await ctx.ipvs.updateDestination(key, { address: ctx.lab.net.servers[0]!.v4, port: PORT, weight: 0 });
  const after = tally((await ctx.lab.get(4, portOf(key))).map(name));
  ctx.lab.checks.check(before.rs1 === 4 && after.rs2 === 4, `fo: all to the highest weight (rs1=10) ${JSON.stringify(before)}; with rs1 at weight 0, all to rs2 ${JSON.stringify(after)}`);
  return { scheduler: 'fo', available: true, observed: { before, after } };
}

async function overflow(ctx: Ctx): Promise<SchedulerObserved> {
  // ip_vs_ovf.c skips a server once its active connections exceed (are more than) its weight.
  const key = await service(ctx, 'ovf', [2, 1]);
  const connections = await ctx.lab.hold(4, portOf(key));
  try {
    const observed = await activePerServer(ctx, key);
    ctx.lab.checks.check(observed.rs1 === 3 && observed.rs2 === 1, `ovf (rs1=2, rs2=1), 4 connections held: ${JSON.stringify(observed)}: rs1, the highest weight, until its active connections exceeded its weight (3 > 2), then rs2`);
    return { scheduler: 'ovf', available: true, observed: { held: observed }, expected: { rs1: 3, rs2: 1 } };
  } finally {
    await connections.close();
  }
}

async function twoChoices(ctx: Ctx): Promise<SchedulerObserved> {
  let key: Key;
  try {
    key = await service(ctx, 'twos', [1, 0]);
  } catch (e) {
    if (!(e instanceof IpvsError && e.code === 'ENOENT')) throw e;
    ctx.lab.print('  --   twos: not in this kernel (no ip_vs_twos module): skipped');
    return { scheduler: 'twos', available: false, observed: {} };
  }
  const perServer = tally((await ctx.lab.get(6, portOf(key))).map(name));
  ctx.lab.checks.check(perServer.rs1 === 6, `twos: of two random choices the less loaded per weight; weight 0 is never chosen ${JSON.stringify(perServer)}`);
  return { scheduler: 'twos', available: true, observed: { perServer } };
}

export async function schedulers(print: Print): Promise<Outcome<SchedulerObserved[]>> {
  const lab = await openLab(print, { servers: 3, clientAddresses: EXTRA_CLIENTS });
  const ctx: Ctx = { lab, ipvs: lab.ipvs, port: 9000 };
  try {
    await lab.serve(PORT);
    for (const a of SITES) await sh('ip', 'addr', 'add', `${a}/32`, 'dev', CLIENT_SIDE);
    print(`Schedulers: services on ${lab.net.vip.v4}:9001.. (and fwmarks for dh, lblc, lblcr over ${SITES.join(', ')}), real servers ${lab.net.servers.map((s) => s.name).join(', ')} on port ${PORT}`);
    const observed = [
      await roundRobin(ctx),
      await weightedRoundRobin(ctx),
      await leastConnection(ctx, 'lc', [1, 1], 1),
      await leastConnection(ctx, 'wlc', [1, 3], 8),
      // sed and nq differ where a server is idle: nq gives it the next connection at once.
      await leastConnection(ctx, 'sed', [1, 10], 4),
      await leastConnection(ctx, 'nq', [1, 10], 4),
      await bySource(ctx, 'sh'),
      await byDestination(ctx, 'dh', 1),
      await byDestination(ctx, 'lblc', 2),
      await byDestination(ctx, 'lblcr', 3),
      await failover(ctx),
      await overflow(ctx),
      await bySource(ctx, 'mh'),
      await twoChoices(ctx),
    ];
    return { observed, failures: lab.checks.failures };
  } finally {
    for (const a of SITES) await sh('ip', 'addr', 'del', `${a}/32`, 'dev', CLIENT_SIDE).catch(() => undefined);
    await lab.close();
  }
}
