// The LVS scenarios (examples/scenarios), each run as `npm run scenario`
// runs it, with real traffic between namespaces: every check a scenario
// prints must hold, and the distributions and paths are asserted here too.
import { describe, expect, it } from 'vitest';
import { dr } from '../../examples/scenarios/dr';
import { fwmark } from '../../examples/scenarios/fwmark';
import type { Outcome, Print } from '../../examples/scenarios/lab';
import { nat } from '../../examples/scenarios/nat';
import { persistence } from '../../examples/scenarios/persistence';
import { schedulers, type SchedulerObserved } from '../../examples/scenarios/schedulers';
import { tun } from '../../examples/scenarios/tun';

async function run<T>(scenario: (print: Print) => Promise<Outcome<T>>): Promise<T> {
  const lines: string[] = [];
  const { observed, failures } = await scenario((l) => lines.push(l));
  expect(failures, lines.join('\n')).toEqual([]);
  return observed;
}

describe('scenarios', () => {
  it('nat: round robin over masquerading real servers, replies back through the director', async () => {
    const o = await run(nat);
    expect(o.perServer).toEqual({ rs1: 2, rs2: 2 });
    expect(o.answers.every((a) => /^rs\d saw 198\.51\.100\.2 -> 203\.0\.113\.\d:8090$/.test(a))).toBe(true);
    expect(o.inPackets).toBeGreaterThan(0n);
    expect(o.outPackets).toBeGreaterThan(0n);
  }, 120_000);

  it('dr: the real servers get the packets for the VIP unchanged and reply directly', async () => {
    const o = await run(dr);
    expect(o.perServer).toEqual({ rs1: 2, rs2: 2 });
    expect(o.answers.every((a) => a.endsWith('saw 198.51.100.2 -> 198.51.100.1:8090'))).toBe(true);
    expect(o.outPackets).toBe(0n);
  }, 120_000);

  it('tun: IPIP, GUE and GRE, unwrapped by each real server', async () => {
    const o = await run(tun);
    expect(o.map((t) => t.type)).toEqual(['ipip', 'gue', 'gre']);
    for (const t of o) {
      expect(t.perServer).toEqual({ rs1: 2, rs2: 2 });
      expect(Object.values(t.decapsulated).every((n) => n >= 2)).toBe(true);
      expect(t.outPackets).toBe(0n);
    }
  }, 180_000);

  it('fwmark: ports 80 and 443 as one service, one template for both', async () => {
    const o = await run(fwmark);
    expect(Object.values(o.perServer)).toEqual([6]);
    expect(o.templates).toHaveLength(1);
  }, 120_000);

  it('persistence: per port, per client, netmask grouping, expiry', async () => {
    const o = await run(persistence);
    expect(new Set(o.perPort.map((a) => a.split(' ')[0])).size).toBe(1);
    expect([o.templates24, o.templates32]).toEqual([1, 2]);
  }, 180_000);

  it('schedulers: each distribution as the kernel documents it', async () => {
    const o = await run(schedulers);
    const by = (s: string) => o.find((x) => x.scheduler === s) as SchedulerObserved;
    expect(o.map((x) => x.scheduler)).toEqual(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'lblc', 'lblcr', 'fo', 'ovf', 'mh', 'twos']);
    expect(by('wrr').observed.perServer).toEqual({ rs1: 30, rs2: 10 });
    for (const s of ['lc', 'wlc', 'sed', 'nq']) expect(by(s).observed.held).toEqual(by(s).expected);
    expect(by('wlc').expected).toEqual({ rs1: 2, rs2: 6 });
    // Weights 1 and 10, 4 connections: sed keeps them all on the heavy server, nq gives the idle one one.
    expect(by('sed').expected).toEqual({ rs1: 0, rs2: 4 });
    expect(by('nq').expected).toEqual({ rs1: 1, rs2: 3 });
    expect(by('ovf').observed.held).toEqual({ rs1: 3, rs2: 1 });
    // Every scheduler ran; twos only where its module exists (the test kernel has none).
    expect(o.filter((x) => x.scheduler !== 'twos').every((x) => x.available)).toBe(true);
  }, 600_000);
});
