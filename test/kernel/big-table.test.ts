// A large real connection table (made by the kernel's own backup sync daemon
// from sync messages, test/harness/big-table.ts): every row equals what
// `ipvsadm -Lnc` prints, the mix of kinds is what was sent, and reading it
// never holds the event loop for more than one chunk. Speed is measured by
// bench/connections.ts, not asserted here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection } from '../../lib/index';
import { CHUNK_BYTES } from '../../lib/proc/read';
import { eventLoopTurns } from '../event-loop-turns';
import { bigTable, type BigTable } from '../harness/big-table';
import { expectSameAsIpvsadm } from './helpers';

const ROWS = 100_000;
let table: BigTable;
beforeAll(async () => {
  table = await bigTable(ROWS);
}, 120_000);
afterAll(async () => {
  await table?.teardown();
});

it(`lists ${ROWS} entries exactly as ipvsadm -Lnc does`, async () => {
  const rows = await expectSameAsIpvsadm(() => table.ipvs.connections(), table.ns);
  expect(rows).toHaveLength(ROWS);
  const count = (f: (c: Connection) => boolean) => rows.filter(f).length;
  expect(count((c) => c.family === 'inet6')).toBe(ROWS / 10);
  expect(count((c) => c.template)).toBe(ROWS / 50);
  expect(count((c) => c.protocol === 'udp')).toBe(ROWS / 5);
  expect(count((c) => c.protocol === 'tcp' && !c.template && c.state !== 'ESTABLISHED')).toBe(0);
  const sync = await table.ipvs.connections({ withOrigin: true, template: true });
  expect(sync).toHaveLength(ROWS / 50);
  expect(sync.every((c) => c.origin === 'sync' && c.clientPort === 0)).toBe(true);
}, 120_000);

it('lets the event loop run between chunks while iterating', async () => {
  let n = 0;
  let bytes = 0;
  const { turns } = await eventLoopTurns(async () => {
    for await (const c of table.ipvs.eachConnection()) {
      n++;
      bytes += c.family === 'inet6' ? 150 : 75; // about what the kernel prints per row
    }
  });
  expect(n).toBe(ROWS);
  expect(turns).toBeGreaterThanOrEqual(Math.floor(bytes / CHUNK_BYTES) - 1);
}, 120_000);
