// How fast the connection table is read: ipvs (array and async iterator)
// against `ipvsadm -Lnc` printing the same table, and `cat` of it as the
// lower bound, all on one file in /proc/net/ip_vs_conn's format, in one run.
// Prints ratios (and the times they come from). Needs ipvsadm and root inside
// the test kernel: `node test/harness/run.mjs exec -- npx tsx bench/connections.ts [rows]`.
import { spawnSync } from 'node:child_process';
import { openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnections } from '../lib/proc/connections';
import { readLines } from '../lib/proc/read';
import type { Connection } from '../lib/types';
import { writeSyntheticTable } from '../test/fixtures/synthetic-connections';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const file = join(tmpdir(), `ipvs-bench-conn-${process.pid}`);

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function ours(iterate: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  let n = 0;
  const all: Connection[] = [];
  for await (const text of readLines(openSync(file, 'r'))) {
    const chunk: Connection[] = [];
    parseConnections(text, false, chunk);
    if (iterate) n += chunk.length;
    else for (const c of chunk) all.push(c);
  }
  if ((iterate ? n : all.length) !== rows) throw new Error('row count');
  return seconds(start);
}

function external(cmd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('unshare', ['-m', 'sh', '-c', cmd, 'sh', file], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
  const t = seconds(start);
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}`);
  const lines = r.stdout.toString('latin1').split('\n').length - 1;
  if (lines < rows) throw new Error(`${cmd}: printed ${lines} lines for ${rows} rows`);
  return t;
}

const best = async (f: () => number | Promise<number>) => {
  let b = Infinity;
  for (let i = 0; i < runs; i++) b = Math.min(b, await f());
  return b;
};

(async () => {
  try {
    writeSyntheticTable(file, rows);
    const mb = statSync(file).size / 1e6;
    // /proc/PID/net entries are looked up afresh each time (a bind mount there
    // never shows): in a private mount namespace, /proc becomes a tmpfs whose
    // net/ip_vs_conn is the table.
    const mounted = 'mount -t tmpfs none /proc && mkdir /proc/net && touch /proc/net/ip_vs_conn && mount --bind "$1" /proc/net/ip_vs_conn && exec';
    const ipvsadm = await best(() => external(`${mounted} ipvsadm -Lnc`));
    const cat = await best(() => external(`${mounted} cat /proc/net/ip_vs_conn`));
    const array = await best(() => ours(false));
    const iterator = await best(() => ours(true));
    const rate = (s: number) => `${(rows / s / 1e6).toFixed(2)} M rows/s`;
    console.log(`table: ${rows} rows, ${mb.toFixed(1)} MB; best of ${runs}`);
    console.log(`ipvsadm -Lnc          ${ipvsadm.toFixed(3)} s  ${rate(ipvsadm)}`);
    console.log(`cat (lower bound)     ${cat.toFixed(3)} s  ${rate(cat)}`);
    console.log(`ipvs connections()    ${array.toFixed(3)} s  ${rate(array)}`);
    console.log(`ipvs eachConnection   ${iterator.toFixed(3)} s  ${rate(iterator)}`);
    console.log(`ratio connections()/ipvsadm = ${(array / ipvsadm).toFixed(2)}, eachConnection/ipvsadm = ${(iterator / ipvsadm).toFixed(2)}, cat/ipvsadm = ${(cat / ipvsadm).toFixed(2)}`);
  } finally {
    rmSync(file, { force: true });
  }
})();
