// What the socket does with what it did not ask for, and with replies that
// go wrong: datagrams from other sockets (spoofed answers, oversized junk)
// are ignored; a full receive queue (ENOBUFS) makes a read run again and a
// change report that its outcome is unknown; an interrupted dump is run again;
// a truncated datagram is an error, and the handle goes on working.
// The overflow is real (another socket fills ours); interruption, a mid-dump
// ENOBUFS and truncation, which the kernel gives rarely or (for IPVS) never,
// are injected into real replies by faults/netlink-faults.c.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ipvs } from '../../lib/index';
import { ipvsadm, saved } from './helpers';

const FAULTS = join(__dirname, 'faults');

/** This process's generic netlink sockets, from /proc/net/netlink. */
function ownSockets(): Array<{ port: number; rmem: number }> {
  const inodes = new Set(
    readdirSync('/proc/self/fd').map((fd) => {
      try {
        return /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      } catch {
        return undefined; // closed meanwhile
      }
    }),
  );
  return readFileSync('/proc/self/net/netlink', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === '16' && inodes.has(f[9]))
    .map((f) => ({ port: Number(f[2]), rmem: Number(f[4]) }));
}

/** Runs fn and returns the port id of the socket it opened. */
async function portOf(fn: () => Promise<unknown>): Promise<number> {
  const before = new Set(ownSockets().map((s) => s.port));
  await fn();
  const added = ownSockets().filter((s) => !before.has(s.port));
  expect(added).toHaveLength(1);
  return added[0]!.port;
}

const rmem = (port: number) => ownSockets().find((s) => s.port === port)?.rmem;
const python = (script: string, ...args: Array<string | number>) =>
  execFileSync('python3', [join(FAULTS, script), ...args.map(String)], { encoding: 'utf8' });

/** 2,000 services, the first 50 with 3 real servers each: dumps of many datagrams. */
function bigTable(): void {
  ipvsadm('-C');
  const rules: string[] = [];
  for (let i = 1; i <= 2000; i++) {
    rules.push(`-A -t 192.0.2.1:${i} -s rr`);
    if (i <= 50) for (let r = 2; r <= 4; r++) rules.push(`-a -t 192.0.2.1:${i} -r 203.0.113.${r}:${i} -m -w 1`);
  }
  execFileSync('ipvsadm', ['-R'], { input: `${rules.join('\n')}\n` });
}

describe('datagrams from other sockets', () => {
  it('are ignored: spoofed errors and dumps for every likely sequence number, and one larger than any reply', async () => {
    ipvsadm('-C');
    ipvsadm('-A', '-t', '192.0.2.1:80', '-s', 'rr');
    let ipvs!: Ipvs;
    const port = await portOf(async () => (ipvs = await Ipvs.open()));
    // Our sequence numbers start at the time of open() (seconds): cover them all.
    const first = Math.floor(Date.now() / 1000) - 10;
    const sent = Number(python('inject.py', port, first, 4000));
    expect(sent).toBeGreaterThan(500_000);
    expect(rmem(port)).toBeGreaterThan(500_000); // queued for us, carrying our port id and seqs

    // Each spoofed answer says EPERM, or is an empty dump: none is taken.
    expect((await ipvs.services()).map((s) => ('port' in s ? s.port : s.fwmark))).toEqual([80]);
    await ipvs.addService({ protocol: 'tcp', address: '192.0.2.1', port: 81 });
    await expect(ipvs.deleteService({ protocol: 'tcp', address: '192.0.2.1', port: 82 })).rejects.toMatchObject({ code: 'ESRCH' });
    expect(saved()).toEqual(['-A -t 192.0.2.1:80 -s rr', '-A -t 192.0.2.1:81 -s wlc']);
    expect(rmem(port)).toBe(0); // read and dropped
    ipvs.close();
  });
});

/** Fills the one socket this process has (the handle's) until the kernel can queue nothing more for it. */
function fillQueue(): void {
  const sockets = ownSockets();
  expect(sockets).toHaveLength(1);
  expect(Number(python('fill.py', sockets[0]!.port))).toBeGreaterThan(1_000_000);
  expect(rmem(sockets[0]!.port)).toBeGreaterThan(8_000_000);
}

const svc = (port: number) => ({ protocol: 'tcp', address: '192.0.2.1', port }) as const;

describe('a full receive queue (ENOBUFS, made by another socket filling ours)', () => {
  beforeAll(bigTable);

  it('makes a read run again: services, snapshot and destinations come back whole', async () => {
    const ipvs = await Ipvs.open();
    fillQueue();
    expect(await ipvs.services()).toHaveLength(2000);
    fillQueue();
    const snap = await ipvs.snapshot();
    expect([snap.length, snap.reduce((n, s) => n + s.destinations.length, 0)]).toEqual([2000, 150]);
    fillQueue();
    expect((await ipvs.destinations(svc(7))).map((d) => d.address).sort()).toEqual(['203.0.113.2', '203.0.113.3', '203.0.113.4']);
    ipvs.close();
  });

  it('makes a change report ENOBUFS, saying it may have been made; the handle goes on', async () => {
    const ipvs = await Ipvs.open();
    fillQueue();
    const err = await ipvs.addService(svc(3000)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IpvsError', code: 'ENOBUFS', errno: -105, syscall: 'recvmsg', operation: 'addService' });
    expect((err as Error).message).toMatch(/reply was lost; the request may have been carried out/);
    // It was: the kernel made the change, only its answer was dropped.
    expect(saved()).toContain('-A -t 192.0.2.1:3000 -s wlc');
    await ipvs.deleteService(svc(3000));
    expect(await ipvs.services()).toHaveLength(2000);
    ipvs.close();
  });
});

describe('faults injected into real replies', () => {
  let dir: string;
  let shim: string;
  beforeAll(() => {
    bigTable();
    dir = mkdtempSync(join(tmpdir(), 'ipvs-faults-'));
    shim = join(dir, 'netlink-faults.so');
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', shim, join(FAULTS, 'netlink-faults.c'), '-ldl']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Outcome = { value?: unknown; error?: { name: string; code: string; errno: number; syscall: string; message: string } };
  /** Runs op in a child with the fault armed after open(); then services() unarmed. */
  function withFault(fault: string, op: 'services' | 'snapshot' | 'addService'): { first: Outcome; after: Outcome; used: number } {
    const r = spawnSync(process.execPath, [join(FAULTS, 'child.cjs'), fault, op], {
      encoding: 'utf8',
      env: { ...process.env, LD_PRELOAD: shim },
    });
    const used = /netlink-faults: \w+ (\d+)/.exec(r.stderr);
    expect(r.status, r.stderr).toBe(0);
    expect(used, r.stderr).not.toBeNull();
    return { ...JSON.parse(r.stdout), used: Number(used![1]) };
  }

  it('runs an interrupted dump (NLM_F_DUMP_INTR) again, up to 3 times, then says so', () => {
    expect(withFault('intr:1', 'services')).toEqual({ first: { value: 2000 }, after: { value: 2000 }, used: 1 });
    expect(withFault('intr:3', 'snapshot')).toEqual({ first: { value: 2150 }, after: { value: 2000 }, used: 3 });
    const r = withFault('intr:4', 'services');
    expect(r.used).toBe(4);
    expect(r.first.error).toMatchObject({ name: 'IpvsError', code: 'EINTR', errno: -4 });
    expect(r.first.error!.message).toMatch(/dump interrupted by concurrent changes/);
    expect(r.after).toEqual({ value: 2000 });
  });

  it('runs a dump that loses datagrams to ENOBUFS midway again, never returning part of it', () => {
    expect(withFault('enobufs:1', 'services')).toEqual({ first: { value: 2000 }, after: { value: 2000 }, used: 1 });
    expect(withFault('enobufs:2', 'snapshot')).toEqual({ first: { value: 2150 }, after: { value: 2000 }, used: 2 });
    const r = withFault('enobufs:4', 'services');
    expect(r.used).toBe(4);
    expect(r.first.error).toMatchObject({ code: 'ENOBUFS', errno: -105, syscall: 'recvmsg' });
    expect(r.first.error!.message).toMatch(/reply was lost in 4 attempts/);
    expect(r.after).toEqual({ value: 2000 });
  });

  it('reports a truncated datagram as ERR_IPVS_PROTOCOL and works on afterwards', () => {
    for (const [fault, errno, message] of [
      ['trunc:1', -90, /datagram truncated/], // EMSGSIZE: the datagram did not fit our buffer
      ['short:1', -71, /netlink message of length \d+ with \d+ bytes received/], // EPROTO: a message runs past the end of its datagram
    ] as const) {
      for (const op of ['services', 'addService'] as const) {
        spawnSync('ipvsadm', ['-D', '-t', '192.0.2.200:1']); // made by the last round, if any
        const r = withFault(fault, op);
        expect(r.used, `${fault} ${op}`).toBe(1);
        expect(r.first.error, `${fault} ${op}`).toMatchObject({ name: 'IpvsError', code: 'ERR_IPVS_PROTOCOL', errno });
        expect(r.first.error!.message).toMatch(message);
        expect(r.after).toEqual({ value: op === 'addService' ? 2001 : 2000 });
      }
    }
  });
});
