/**
 * Where the least-connection family of schedulers sends the next connection,
 * as the kernel computes it (net/netfilter/ipvs/ip_vs_{lc,wlc,sed,nq}.c):
 * the scenarios compare what they observe with these. Destinations are in
 * the kernel's list order (the order destinations() returns); ties keep the
 * earlier one.
 * @module
 */

export interface Load {
  weight: number;
  active: number;
  inactive: number;
}

export type LeastScheduler = 'lc' | 'wlc' | 'sed' | 'nq';

/** Index of the destination the scheduler picks, or -1 when none can take it. */
export function pick(scheduler: LeastScheduler, dests: readonly Load[]): number {
  const overhead = (d: Load) => (scheduler === 'sed' || scheduler === 'nq' ? d.active + 1 : d.active * 256 + d.inactive);
  let least = -1;
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i]!;
    if (d.weight <= 0 && scheduler !== 'lc') continue;
    if (scheduler === 'lc') {
      if (d.weight > 0 && (least < 0 || overhead(d) < overhead(dests[least]!))) least = i;
      continue;
    }
    if (scheduler === 'nq' && d.active === 0) return i; // an idle server never queues
    // Weighted: least has the smallest overhead / weight (cross-multiplied, as the kernel does).
    if (least < 0 || overhead(dests[least]!) * d.weight > overhead(d) * dests[least]!.weight) least = i;
  }
  return least;
}

/** Where `count` connections opened one after another (and held open) end up: active connections per destination. */
export function held(scheduler: LeastScheduler, weights: readonly number[], count: number): number[] {
  const dests = weights.map((weight) => ({ weight, active: 0, inactive: 0 }));
  for (let n = 0; n < count; n++) {
    const i = pick(scheduler, dests);
    if (i >= 0) dests[i]!.active++;
  }
  return dests.map((d) => d.active);
}
