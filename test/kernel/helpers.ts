// Shared by the kernel tests: the reference CLI and a fresh handle per file.
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { Ipvs, type Connection } from '../../lib/index';
import { natTopology, type NatTopology } from '../harness/topology';

/** The built ipvsadm-js command (npm run build). */
export const IPVSADM_JS = resolve(__dirname, '../../dist/examples/ipvsadm/bin.js');

/** Runs the real ipvsadm; throws with its stderr on failure. */
export function ipvsadm(...args: string[]): string {
  return execFileSync('ipvsadm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}

/** ipvsadm's exit status and stderr, for commands expected to fail. */
export function ipvsadmStatus(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('ipvsadm', args, { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** The whole table in ipvsadm's save format, one rule per line. */
export function saved(): string[] {
  return ipvsadm('-Sn').split('\n').filter(Boolean);
}

/** Opens one handle for the file and empties the table before each test. */
export function useIpvs(): { readonly ipvs: Ipvs } {
  const box = {} as { ipvs: Ipvs };
  beforeAll(async () => {
    box.ipvs = await Ipvs.open();
  });
  beforeEach(() => {
    ipvsadm('-C');
  });
  afterAll(() => box.ipvs?.close());
  return box;
}

/** A NAT topology (client, director, real servers) and a handle for the file. */
export function useNatTopology(): { readonly t: NatTopology; readonly ipvs: Ipvs } {
  const box = {} as { t: NatTopology; ipvs: Ipvs };
  beforeAll(async () => {
    box.t = await natTopology();
    box.ipvs = await Ipvs.open();
  });
  afterAll(async () => {
    box.ipvs?.close();
    await box.t?.teardown();
  });
  return box;
}

/** Polls until check() returns a value other than undefined (bounded). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A connection row as `ipvsadm -Lnc` prints it (the kernel's UDP state is "UDP"). */
export function ipvsadmConnectionLine(c: Connection): string {
  const endpoint = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  const proto = c.protocol === 'icmpv6' ? 'ICMPv6' : c.protocol.toUpperCase();
  const state = c.protocol === 'udp' && !c.template && c.state === 'NONE' ? 'UDP' : c.state;
  const two = (n: number) => String(n).padStart(2, '0');
  const expire = `${two(Math.floor(c.expires / 60))}:${two(c.expires % 60)}`;
  return [
    proto.padEnd(3),
    expire.padEnd(6),
    state.padEnd(11),
    endpoint(c.clientAddress, c.clientPort).padEnd(18),
    endpoint(c.virtualAddress, c.virtualPort).padEnd(18),
    endpoint(c.destinationAddress, c.destinationPort),
  ].join(' ');
}

/**
 * Asserts that `read()` and then `ipvsadm -Lnc` (run in `ns`, or here) list
 * the same rows, byte for byte, except that each entry's expiry may have
 * counted down by the seconds that passed between the two reads.
 */
export async function expectSameAsIpvsadm(read: () => Promise<Connection[]>, ns?: string): Promise<Connection[]> {
  const start = Date.now();
  const rows = await read();
  const theirs = (ns ? execFileSync('ip', ['netns', 'exec', ns, 'ipvsadm', '-Lnc'], { encoding: 'utf8', maxBuffer: 1 << 30 }) : ipvsadm('-Lnc')).split('\n');
  const ticks = Math.ceil((Date.now() - start) / 1000) + 1;
  const header = ['IPVS connection entries', 'pro expire state       source             virtual            destination'];
  const ours = [...header, ...rows.map((c, i) => {
    for (let t = 1; t <= ticks; t++) {
      const ticked = ipvsadmConnectionLine({ ...c, expires: Math.max(0, c.expires - t) });
      if (theirs[i + 2] === ticked) return ticked;
    }
    return ipvsadmConnectionLine(c);
  }), ''];
  const a = ours.join('\n');
  const b = theirs.join('\n');
  // Big tables: say where they differ rather than print both.
  if (a !== b && rows.length > 1000) {
    const i = ours.findIndex((l, k) => l !== theirs[k]);
    expect(`line ${i}: ${ours[i]}`).toBe(`line ${i}: ${theirs[i]}`);
  }
  expect(a).toBe(b);
  return rows;
}
