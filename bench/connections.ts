// How fast a large connection table is read, end to end from the kernel:
// ipvs's connections() (array) and eachConnection() (async iterator) against
// `ipvsadm -Lnc` listing the same table, with `cat /proc/net/ip_vs_conn` as
// the lower bound (the kernel's own cost of printing the table). One run,
// one table, best of N each; prints ratios and the times behind them.
//
//   node test/harness/run.mjs exec -- npx tsx bench/connections.ts [rows=1000000] [runs=3]
//
// The table is real: the kernel's backup sync daemon creates the entries
// (test/harness/big-table.ts), in a namespace of their own.
import { spawnSync } from 'node:child_process';
import { bigTable } from '../test/harness/big-table';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function best(what: string, f: () => Promise<number> | number): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < runs; i++) b = Math.min(b, await f());
  console.log(`${what.padEnd(26)} ${b.toFixed(3)} s  ${(rows / b / 1e6).toFixed(3)} M rows/s`);
  return b;
}

(async () => {
  const filling = process.hrtime.bigint();
  const table = await bigTable(rows);
  console.log(`table: ${rows} entries made by the kernel's sync daemon in ${seconds(filling).toFixed(1)} s; best of ${runs}`);
  try {
    // Output to a pipe we drain, as a program reading ipvsadm would.
    const external = (cmd: string[]) => () => {
      const start = process.hrtime.bigint();
      const r = spawnSync('ip', ['netns', 'exec', table.ns, ...cmd], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
      const t = seconds(start);
      if (r.status !== 0) throw new Error(`${cmd.join(' ')}: exit ${r.status}`);
      const lines = r.stdout.toString('latin1').split('\n').length - 2;
      if (lines < rows) throw new Error(`${cmd.join(' ')}: ${lines} lines for ${rows} entries`);
      return t;
    };
    const ipvsadm = await best('ipvsadm -Lnc', external(['ipvsadm', '-Lnc']));
    const cat = await best('cat /proc/net/ip_vs_conn', external(['cat', '/proc/net/ip_vs_conn']));
    const array = await best('ipvs connections()', async () => {
      const start = process.hrtime.bigint();
      const all = await table.ipvs.connections();
      if (all.length < rows) throw new Error(`connections(): ${all.length} rows`);
      return seconds(start);
    });
    const iterator = await best('ipvs eachConnection()', async () => {
      const start = process.hrtime.bigint();
      let n = 0;
      for await (const _ of table.ipvs.eachConnection()) n++;
      if (n < rows) throw new Error(`eachConnection(): ${n} rows`);
      return seconds(start);
    });
    const r = (x: number) => (x / ipvsadm).toFixed(2);
    console.log(`ratios to ipvsadm -Lnc: connections() ${r(array)}, eachConnection() ${r(iterator)}, cat ${r(cat)}`);
  } finally {
    await table.teardown();
  }
})();
