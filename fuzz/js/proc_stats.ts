// libFuzzer target (Jazzer.js) of the /proc/net/ip_vs_stats and
// ip_vs_stats_percpu parsers. Input: one byte (bit 0: the per-CPU file), then
// the file's bytes. Findings: an exception other than the parser's own
// refusal; counters that are not 64-bit unsigned bigints, rates that are not
// non-negative numbers, CPU numbers that are not whole.
import { parseGlobalStats, parsePerCpuStats } from '../../lib/proc/stats';
import type { CpuStats, Stats } from '../../lib/types';
import { PROC_STATS, PROC_STATS_PERCPU } from '../../test/fixtures/proc-files';
import { isParserError, statsError } from '../../test/fixtures/proc-reference';
import { fail, latin1 } from './support';

const COUNTERS = ['connections', 'inPackets', 'outPackets', 'inBytes', 'outBytes'] as const;
const RATES = ['cps', 'inPps', 'outPps', 'inBps', 'outBps'] as const;
const U64 = 2n ** 64n;

function checkCounters(s: Pick<Stats, (typeof COUNTERS)[number]>): void {
  for (const k of COUNTERS) if (typeof s[k] !== 'bigint' || s[k] < 0n || s[k] >= U64) fail(`counter ${k}`, s);
}

export function fuzz(data: Buffer): void {
  if (data.length === 0) return;
  const perCpu = (data[0]! & 1) === 1;
  const text = latin1(data.subarray(1));
  try {
    if (perCpu) {
      const rows: CpuStats[] = parsePerCpuStats(text);
      if (rows.length === 0) fail('no rows and no refusal');
      for (const r of rows) {
        checkCounters(r);
        if (!Number.isSafeInteger(r.cpu) || r.cpu < 0) fail('cpu', r);
      }
    } else {
      const s = parseGlobalStats(text);
      checkCounters(s);
      for (const k of RATES) if (typeof s[k] !== 'number' || !(s[k] >= 0)) fail(`rate ${k}`, s);
    }
  } catch (e) {
    if (!isParserError(e, statsError(perCpu ? 'ip_vs_stats_percpu' : 'ip_vs_stats'))) throw e;
  }
}

export const seeds = [
  Buffer.concat([Buffer.from([0]), Buffer.from(PROC_STATS, 'latin1')]),
  Buffer.concat([Buffer.from([1]), Buffer.from(PROC_STATS_PERCPU, 'latin1')]),
];
