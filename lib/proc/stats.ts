/**
 * /proc/net/ip_vs_stats and /proc/net/ip_vs_stats_percpu -> Stats. Every
 * value is upper-case hex of a 64-bit number (widths are minimums).
 *
 *      Total Incoming Outgoing         Incoming         Outgoing
 *      Conns  Packets  Packets            Bytes            Bytes
 *          2        3        1               DC               58
 *
 *    Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s
 *          0        0        0                F                6
 *
 * The per-CPU file has "CPU ..." headers, one "%3X ..." row per possible CPU,
 * a "  ~ ..." total row, then the rate header and row.
 * @module
 */
import type { CpuStats, Stats } from '../types';

const HEX = /^[0-9A-F]+$/;

/**
 * The lines made only of hex numbers (headers have words), split; a number
 * of more than 16 digits (the kernel prints 64-bit values) is no stats file.
 */
function numericRows(text: string, file: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const t = line.trim().split(/\s+/);
    // "~" heads only the per-CPU file's total row (six fields).
    if (t.length >= 5 && t.every((x, i) => HEX.test(x) || (i === 0 && x === '~' && t.length === 6))) {
      if (t.some((x) => x.length > 16)) throw malformed(file);
      out.push(t);
    }
  }
  return out;
}

function counters(v: string[]): Pick<Stats, 'connections' | 'inPackets' | 'outPackets' | 'inBytes' | 'outBytes'> {
  const [conns, inPkts, outPkts, inBytes, outBytes] = v.map((x) => BigInt(`0x${x}`)) as [bigint, bigint, bigint, bigint, bigint];
  return { connections: conns, inPackets: inPkts, outPackets: outPkts, inBytes, outBytes };
}

function malformed(file: string): Error {
  return new Error(`unexpected format of /proc/net/${file}`);
}

/** /proc/net/ip_vs_stats: totals since the last zero, then the estimated rates. */
export function parseGlobalStats(text: string): Stats {
  const found = numericRows(text, 'ip_vs_stats');
  if (found.length !== 2 || found.some((r) => r.length !== 5)) throw malformed('ip_vs_stats');
  const [total, rate] = found as [string[], string[]];
  const [cps, inPps, outPps, inBps, outBps] = rate.map((x) => Number(BigInt(`0x${x}`))) as [number, number, number, number, number];
  return { ...counters(total), cps, inPps, outPps, inBps, outBps };
}

/** /proc/net/ip_vs_stats_percpu: the rows of each possible CPU (not the "~" total nor the rates). */
export function parsePerCpuStats(text: string): CpuStats[] {
  const out: CpuStats[] = [];
  for (const r of numericRows(text, 'ip_vs_stats_percpu')) {
    if (r.length !== 6 || r[0] === '~') continue;
    // The CPU number is %3X of an int.
    if (r[0]!.length > 8) throw malformed('ip_vs_stats_percpu');
    out.push({ cpu: parseInt(r[0]!, 16), ...counters(r.slice(1)) });
  }
  if (out.length === 0) throw malformed('ip_vs_stats_percpu');
  return out;
}
