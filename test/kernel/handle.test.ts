// The handle's life: 1,000 operations on one socket and over several handles,
// close with work in flight, use after close, teardown with work in flight,
// garbage collection, and a caller without CAP_NET_ADMIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { Ipvs, IpvsError } from '../../lib/index';
import { expectedAddon, loadedAddons } from '../loaded-addons';
import { ipvsadm, saved } from './helpers';

it('settles 1,000 concurrent operations on one handle, each as the kernel answered, in order', async () => {
  ipvsadm('-C');
  const ipvs = await Ipvs.open();
  const svc = (i: number) => ({ protocol: 'udp', address: '192.0.2.3', port: 1000 + i }) as const;
  const ops: Array<Promise<string>> = [];
  const outcome = (p: Promise<unknown>) => p.then((v) => (Array.isArray(v) ? `list ${v.length}` : 'ok'), (e: IpvsError) => e.code);
  for (let i = 0; i < 800; i++) {
    ops.push(outcome(ipvs.addService(svc(i))));
    if (i % 8 === 7) ops.push(outcome(ipvs.services())); // sees exactly the adds queued before it
    if (i % 8 === 3) ops.push(outcome(ipvs.addService(svc(i - 3)))); // a duplicate of an earlier add
    if (i % 8 === 5) ops.push(outcome(ipvs.deleteService(svc(i + 100_000 - 60_000)))); // nothing there
  }
  expect(ops).toHaveLength(1100);
  const results = await Promise.all(ops);
  const want: string[] = [];
  for (let i = 0, n = 0; i < 800; i++) {
    want.push('ok');
    n++;
    if (i % 8 === 7) want.push(`list ${n}`);
    if (i % 8 === 3) want.push('EEXIST');
    if (i % 8 === 5) want.push('ESRCH');
  }
  expect(results).toEqual(want);
  expect(saved()).toHaveLength(800);
  ipvs.close();
});

it('settles 1,000 concurrent operations over four handles racing for the same services', async () => {
  ipvsadm('-C');
  const handles = await Promise.all([Ipvs.open(), Ipvs.open(), Ipvs.open(), Ipvs.open()]);
  // Each handle adds fwmarks 1..250: for every mark exactly one add wins.
  const results = await Promise.all(
    handles.map((h) => Promise.all(Array.from({ length: 250 }, (_, j) => h.addService({ fwmark: j + 1 }).then(() => 'ok', (e: IpvsError) => e.code)))),
  );
  for (let j = 0; j < 250; j++) {
    expect(results.map((r) => r[j]).sort()).toEqual(['EEXIST', 'EEXIST', 'EEXIST', 'ok']);
  }
  const counts = await Promise.all(handles.map((h) => h.services().then((s) => s.length)));
  expect(counts).toEqual([250, 250, 250, 250]);
  for (const h of handles) h.close();
});

it('close() with 1,000 operations in flight settles every one: done, or ERR_IPVS_CLOSED; later calls reject', async () => {
  ipvsadm('-C');
  const ipvs = await Ipvs.open();
  const ops = Array.from({ length: 1000 }, (_, i) => ipvs.addService({ fwmark: i + 1 }).then(() => 'ok', (e: IpvsError) => e));
  await ops[10]; // some have reached the kernel
  ipvs.close();
  ipvs.close(); // idempotent
  expect(ipvs.closed).toBe(true);
  const results = await Promise.all(ops);
  const done = results.filter((r) => r === 'ok').length;
  expect(done).toBeGreaterThan(10);
  expect(done).toBeLessThan(1000);
  // In order: everything before the close point went through, nothing after.
  expect(results.slice(0, done).every((r) => r === 'ok')).toBe(true);
  for (const r of results.slice(done)) {
    expect(r).toMatchObject({ name: 'IpvsError', code: 'ERR_IPVS_CLOSED', operation: 'addService', message: 'addService: the Ipvs handle is closed' });
  }
  // Only the ones that reached the kernel changed the table.
  expect(saved()).toHaveLength(done);
  await expect(ipvs.services()).rejects.toMatchObject({ name: 'IpvsError', code: 'ERR_IPVS_CLOSED', operation: 'services' });
  await expect(ipvs.batch().addService({ fwmark: 9999 }).run()).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
  await expect(ipvs.apply([])).rejects.toMatchObject({ code: 'ERR_IPVS_CLOSED' });
});

it('a worker thread terminated, or a process exiting, with operations in flight: no crash', () => {
  // Settling needs JavaScript, which a terminating environment no longer
  // runs: the addon must drop those settlements, not abort the process.
  const worker = `
    require('tsx/cjs');
    const { Ipvs } = require('./lib/index.ts');
    (async () => {
      const handles = await Promise.all([Ipvs.open(), Ipvs.open()]);
      for (let i = 0; i < 1000; i++) handles[i % 2].services().catch(() => {});
      for (let i = 0; i < 200; i++) handles[i % 2].addService({ fwmark: 5000 + i }).catch(() => {});
      require('node:worker_threads').parentPort.postMessage('busy');
    })();`;
  const main = `
    const { Worker } = require('node:worker_threads');
    (async () => {
      for (let round = 0; round < 3; round++) {
        const w = new Worker(${JSON.stringify(worker)}, { eval: true });
        await new Promise((r) => w.once('message', r));
        await new Promise((r) => setTimeout(r, round * 5));
        await w.terminate();
      }
      require('tsx/cjs');
      const { Ipvs } = require('./lib/index.ts');
      const ipvs = await Ipvs.open();
      for (let i = 0; i < 1000; i++) ipvs.services().catch(() => {});
      setImmediate(() => process.exit(7));
    })();`;
  const r = spawnSync(process.execPath, ['-e', main], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect([r.status, r.signal]).toEqual([7, null]);
});

it('a process without CAP_NET_ADMIN gets EPERM at open(), saying why', () => {
  const script = `require('tsx/cjs'); require('./lib/index.ts').Ipvs.open().then(() => console.log('opened'), (e) => console.log(JSON.stringify({ code: e.code, errno: e.errno, message: e.message })))`;
  // setpriv: same root uid, but no capabilities at all.
  const r = spawnSync('setpriv', ['--inh-caps=-all', '--bounding-set=-all', '--', process.execPath, '-e', script], { encoding: 'utf8', cwd: process.cwd() });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ code: 'EPERM', errno: -1 });
  expect(out.message).toMatch(/CAP_NET_ADMIN/);
  // ipvsadm agrees that this is a permission problem.
  expect(() => execFileSync('setpriv', ['--inh-caps=-all', '--bounding-set=-all', '--', 'ipvsadm', '-Ln'], { stdio: 'pipe' })).toThrow(/Permission denied/);
});

it('runs on the addon build the harness chose', async () => {
  (await Ipvs.open()).close();
  expect(loadedAddons()).toContain(expectedAddon());
});

it('frees the socket of a handle that is garbage-collected without close()', () => {
  // A child with --expose-gc: open 100 handles, drop them, collect, count its
  // generic netlink sockets (fd inodes listed in /proc/net/netlink as protocol 16).
  const script = `
    require('tsx/cjs');
    const { readdirSync, readlinkSync, readFileSync } = require('node:fs');
    const sockets = () => {
      const genl = new Set(readFileSync('/proc/self/net/netlink', 'utf8').split('\\n').slice(1)
        .map((l) => l.trim().split(/\\s+/)).filter((f) => f[1] === '16').map((f) => f[f.length - 1]));
      return readdirSync('/proc/self/fd').filter((fd) => {
        try { return genl.has(/socket:\\[(\\d+)\\]/.exec(readlinkSync('/proc/self/fd/' + fd))?.[1]); } catch { return false; }
      }).length;
    };
    const { Ipvs } = require('./lib/index.ts');
    (async () => {
      const before = sockets();
      let handles = await Promise.all(Array.from({ length: 100 }, () => Ipvs.open()));
      await Promise.all(handles.map((h) => h.services()));
      const opened = sockets();
      handles = undefined;
      for (let i = 0; i < 10 && sockets() > before; i++) { global.gc(); await new Promise((r) => setTimeout(r, 50)); }
      console.log(JSON.stringify({ before, opened, after: sockets() }));
    })();`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  const { before, opened, after } = JSON.parse(r.stdout);
  expect(opened - before).toBe(100);
  expect(after).toBe(before);
});
