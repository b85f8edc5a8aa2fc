/**
 * The benchmark table, the same for every contender (ours, ipvsadm -R and
 * bench/raw/ipvs-raw.c): service i is TCP 10.1.(i/250).(i%250+1):80, wlc;
 * its destinations j are 10.2.0.(j+1):8080, masq, weight 1.
 */
import type { DesiredService } from '../lib/index';

export function vip(i: number): string {
  return `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

export function realServer(j: number): string {
  return `10.2.0.${j + 1}`;
}

export function desiredTable(services: number, destinations: number): DesiredService[] {
  const out: DesiredService[] = [];
  for (let i = 0; i < services; i++) {
    const dests = [];
    for (let j = 0; j < destinations; j++) dests.push({ address: realServer(j), port: 8080, forwarding: 'masq' as const, weight: 1 });
    out.push({ protocol: 'tcp', address: vip(i), port: 80, scheduler: 'wlc', destinations: dests });
  }
  return out;
}

/** The same table as `ipvsadm -R` input. */
export function ipvsadmRules(services: number, destinations: number): string {
  const lines: string[] = [];
  for (let i = 0; i < services; i++) {
    lines.push(`-A -t ${vip(i)}:80 -s wlc`);
    for (let j = 0; j < destinations; j++) lines.push(`-a -t ${vip(i)}:80 -r ${realServer(j)}:8080 -m -w 1`);
  }
  return lines.join('\n') + '\n';
}
