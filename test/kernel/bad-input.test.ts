// The bad-input matrix against the real kernel: each case of bad-input-cases.ts
// must end in its documented error (class, code, errno where the kernel or the
// OS refused, a message naming the offending property), and leave the kernel
// as it was: `ipvsadm -Sn` byte-identical after every case (and, for the cases
// that could change them, what -Sn does not show: thresholds, timeouts, sync
// daemons, the other namespace's table).
import { execFileSync, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ipvs, IpvsApplyError, IpvsBatchError, IpvsError } from '../../lib/index';
import { BASE, baseRules, CASES, type BadInputCase, type Env, type Loose } from './bad-input-cases';
import { ipvsadm } from './helpers';

const IFACE = 'ipvsbad0'; // the master sync daemon's link (a veth pair)
const PEER = 'ipvsbad1';
const MASTER = { state: 'master', interface: IFACE, syncId: 5 } as const;
// Another namespace, with a destination of another family than its service.
const NS = 'ipvs-bad-input';
const OTHER_SERVICE = { protocol: 'tcp', address: '192.0.2.70', port: 80 } as const;
const OTHER_DEST = { address: '2001:db8:7::1', port: 80, forwarding: 'tunnel' } as const;
const CLASSES = { TypeError, RangeError, IpvsError, IpvsBatchError, IpvsApplyError };

let ipvs: Ipvs;
let other: Ipvs | undefined;
let env: Env;
let hasSip = true;
/** `ipvsadm -Sn` of the base table, as made. */
let base = '';
/** `ipvsadm -Sn` before the next case: the previous case's after. */
let table = '';
/** The same for the other states, read after each case that could change them. */
const known = {} as Record<StateName, string>;
/** The timeouts found, restored at the end. */
let timeoutsFound: string[] = [];

/**
 * One shell for the ipvsadm runs around each case: in the test kernel a
 * process spawned by this one costs about 50 ms (every page the fork touches
 * is charged), one started by a small shell under 20.
 */
class Shell {
  readonly #proc = spawn('sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  #out = '';
  #err = '';
  #waiting: ((r: { status: number; out: string; err: string }) => void) | undefined;
  static readonly END = /\n@@ipvs-bad-input (\d+)@@\n$/;

  constructor() {
    this.#proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.#out += d;
      const m = Shell.END.exec(this.#out);
      if (!m || !this.#waiting) return;
      const done = { status: Number(m[1]), out: this.#out.slice(0, m.index), err: this.#err };
      this.#out = this.#err = '';
      const w = this.#waiting;
      this.#waiting = undefined;
      w(done);
    });
    this.#proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.#err += d));
  }

  /** Runs a command line; resolves its stdout, rejects with its stderr when it fails. */
  async run(cmd: string): Promise<string> {
    const r = await new Promise<{ status: number; out: string; err: string }>((resolve) => {
      this.#waiting = resolve;
      this.#proc.stdin.write(`${cmd}; printf '\\n@@ipvs-bad-input %d@@\\n' $?\n`);
    });
    if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.err}`);
    return r.out;
  }

  close(): void {
    this.#proc.stdin.end();
  }
}
const shell = new Shell();

type StateName = NonNullable<BadInputCase['state']> | 'thresholds';
const readState: Record<StateName, () => Promise<string>> = {
  thresholds: () => shell.run('ipvsadm -Ln --thresholds'),
  timeouts: () => shell.run('ipvsadm -L --timeout'),
  daemons: () => shell.run('ipvsadm -L --daemon'),
  other: () => shell.run(`ip netns exec ${NS} ipvsadm -Sn; echo --; ip netns exec ${NS} ipvsadm -L --daemon`),
};

/** What a case could change that -Sn does not show: its own state, and the thresholds for destination updates and apply(). */
function statesOf(c: BadInputCase): StateName[] {
  const states: StateName[] = c.state ? [c.state] : [];
  if (/updateDestination|apply|[Tt]hreshold/.test(c.name)) states.push('thresholds');
  return states;
}

/** Makes the base table (and reports whether the kernel has the sip persistence engine). */
async function makeBase(): Promise<boolean> {
  let sip = true;
  for (const { service, destinations, needs } of BASE) {
    if (needs === 'sip' && !hasSip) continue;
    try {
      await ipvs.addService(service);
    } catch (e) {
      // The sip persistence engine is a module the kernel may not have.
      if (needs === 'sip' && e instanceof IpvsError && e.code === 'ENOENT') {
        sip = false;
        continue;
      }
      throw e;
    }
    for (const d of destinations) await ipvs.addDestination(service, d);
  }
  return sip;
}

function timeoutsOf(text: string): string[] {
  const m = /Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)/.exec(text);
  if (!m) throw new Error(`unexpected ipvsadm -L --timeout output: ${text}`);
  return m.slice(1, 4);
}

beforeAll(async () => {
  ipvsadm('-C');
  timeoutsFound = timeoutsOf(ipvsadm('-L', '--timeout'));
  execFileSync('ip', ['link', 'add', IFACE, 'type', 'veth', 'peer', 'name', PEER]);
  execFileSync('ip', ['link', 'set', PEER, 'up']);
  execFileSync('ip', ['link', 'set', IFACE, 'up']);
  ipvs = await Ipvs.open();
  // The base state has one master daemon: stop any a previous file left running.
  for (const d of await ipvs.daemons()) await ipvs.stopDaemon(d.state);
  hasSip = await makeBase();
  await ipvs.startDaemon(MASTER);
  const gone = await Ipvs.open();
  gone.close();
  execFileSync('ip', ['netns', 'add', NS]);
  other = await Ipvs.open({ netns: `/run/netns/${NS}` });
  await other.addService(OTHER_SERVICE);
  await other.addDestination(OTHER_SERVICE, OTHER_DEST);
  env = { closed: gone as unknown as Loose, iface: IFACE, other: other as unknown as Loose };
  base = table = await shell.run('ipvsadm -Sn');
  for (const s of Object.keys(readState) as StateName[]) known[s] = await readState[s]();
});

afterAll(async () => {
  // Leave the kernel as found: empty table, no daemons, the timeouts it had.
  if (ipvs) {
    for (const d of await ipvs.daemons().catch(() => [])) await ipvs.stopDaemon(d.state).catch(() => undefined);
    ipvs.close();
  }
  other?.close();
  shell.close();
  ipvsadm('-C');
  if (timeoutsFound.length) ipvsadm('--set', ...timeoutsFound);
  execFileSync('ip', ['link', 'del', IFACE], { stdio: 'ignore' });
  execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
});

/**
 * Puts the base table back after a case that changed it (which fails that
 * case), with the lib: `ipvsadm -R` would not do, it gives route and tunnel
 * destinations the service's port.
 */
async function restoreTable(): Promise<void> {
  await ipvs.flush();
  await makeBase();
  table = await shell.run('ipvsadm -Sn');
  expect(table, 'the base table, restored').toBe(base);
}

async function restoreState(which: StateName, before: string): Promise<void> {
  if (which === 'thresholds') {
    await restoreTable();
  } else if (which === 'timeouts') {
    ipvsadm('--set', ...timeoutsOf(before));
  } else if (which === 'other') {
    for (const d of await other!.daemons()) await other!.stopDaemon(d.state);
  } else {
    for (const d of await ipvs.daemons()) await ipvs.stopDaemon(d.state);
    await ipvs.startDaemon(MASTER);
  }
  expect(await readState[which](), `${which}, restored`).toBe(before);
}

type Outcome = { how: 'threw' | 'rejected'; error: unknown } | { how: 'returned' | 'resolved'; value: unknown };

/** Runs a case's call: a synchronous throw and a rejection are told apart. */
async function attempt(c: BadInputCase): Promise<Outcome> {
  let r: unknown;
  try {
    r = c.call(ipvs as unknown as Loose, env);
  } catch (error) {
    return { how: 'threw', error };
  }
  if (!(r instanceof Promise)) return { how: 'returned', value: r };
  try {
    return { how: 'resolved', value: await r };
  } catch (error) {
    return { how: 'rejected', error };
  }
}

function explain(o: Outcome): string {
  if (!('error' in o)) return `${o.how} instead of failing`;
  const e = o.error as { name?: string; code?: string; message?: string };
  return `${o.how}: ${e?.name} ${e?.code}: ${e?.message}`;
}

interface AnyError {
  name: string;
  code: string;
  message: string;
  errno?: number;
  syscall?: string;
  operation?: string;
  failures?: Array<{ error: AnyError }>;
  rollback?: { complete: boolean; failures: unknown[] };
}

async function check(c: BadInputCase): Promise<void> {
  const before = table;
  const states = statesOf(c);
  const statesBefore = states.map((s) => known[s]);
  const outcome = await attempt(c);
  const after = await shell.run('ipvsadm -Sn');
  const statesAfter: string[] = [];
  for (const s of states) statesAfter.push(await readState[s]());
  // Restore first, so that a failing case leaves the next one its base.
  if (after !== before) await restoreTable();
  for (const [i, s] of states.entries()) if (statesAfter[i] !== statesBefore[i]) await restoreState(s, statesBefore[i]!);
  // A failing case was restored above; either way the next one starts from these.

  const why = explain(outcome);
  expect(outcome.how, why).toBe(c.throws ? 'threw' : 'rejected');
  const e = (outcome as { error: AnyError }).error;
  expect(e, why).toBeInstanceOf(CLASSES[c.error]);
  expect(e.name, why).toBe(c.error);
  expect(e.code, why).toBe(c.code);
  if (c.field) {
    expect(e, why).not.toBeInstanceOf(IpvsError);
    expect(e.message).toMatch(/^The (value of )?"/); // Node's shapes: The "x" argument ... / The value of "x" is out of range
    expect(e.message).toContain(`"${c.field}"`);
  }
  if (c.message) expect(e.message).toContain(c.message);
  if (c.error === 'IpvsBatchError' || c.error === 'IpvsApplyError') {
    expect(e.failures, why).toHaveLength(c.failures ?? 1);
    for (const f of e.failures!) expect(f.error).toBeInstanceOf(IpvsError);
  }
  if (c.error === 'IpvsApplyError') {
    expect(e.rollback, why).toMatchObject({ complete: true, failures: [] });
  }
  const inner = c.error === 'IpvsError' ? e : e.failures?.[0]?.error;
  if (c.errno) {
    expect(inner!.code, why).toBe(c.errno);
    expect(inner!.errno).toBe(-(constants.errno as Record<string, number>)[c.errno]!);
    expect(inner!.syscall).toBe(c.syscall ?? 'netlink');
    expect(e.message).toContain(`[${c.errno}]`);
  }
  if (c.code === 'ERR_IPVS_CLOSED') expect(e.errno).toBeUndefined();
  if (c.operation) expect(inner!.operation, why).toBe(c.operation);

  // Nothing changed: the table byte for byte, and the state the case could touch.
  expect(after, 'ipvsadm -Sn after the case').toBe(before);
  for (const [i, s] of states.entries()) expect(statesAfter[i], `${s} after the case`).toBe(statesBefore[i]);
}

it('starts from the base table and its master sync daemon', async () => {
  expect(base).toBe(baseRules(hasSip));
  expect(await readState.thresholds()).toMatch(/-> 198\.51\.100\.1:8080\s+100\s+10\s/);
  expect(await readState.daemons()).toBe(`master sync daemon (mcast=${IFACE}, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n`);
  expect(await readState.other()).toBe('-A -t 192.0.2.70:80 -s wlc\n-a -t 192.0.2.70:80 -r [2001:db8:7::1]:80 -i -w 1 --tun-type ipip\n--\n');
});

it('has at least 300 cases, each with its own name', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(300);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

const categories = [...new Set(CASES.map((c) => c.category))];
for (const category of categories) {
  describe(category, () => {
    for (const c of CASES.filter((x) => x.category === category)) {
      it(c.name, async (t) => {
        if (c.needs === 'sip' && !hasSip) t.skip();
        await check(c);
      });
    }
  });
}

it('ends with the base table, the master daemon and the timeouts it found', async () => {
  expect(await shell.run('ipvsadm -Sn')).toBe(base);
  expect(await readState.daemons()).toMatch(/^master sync daemon \(mcast=ipvsbad0, syncid=5,/);
  expect(timeoutsOf(await readState.timeouts())).toEqual(timeoutsFound);
});
