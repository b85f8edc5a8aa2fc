// The handle's life: concurrency on one socket, several handles, close with
// work in flight, use after close, and a caller without CAP_NET_ADMIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { Ipvs, IpvsError } from '../../lib/index';
import { expectedAddon, loadedAddons } from '../loaded-addons';
import { ipvsadm, saved } from './helpers';

it('settles 500 concurrent operations on one handle, in order', async () => {
  ipvsadm('-C');
  const ipvs = await Ipvs.open();
  const adds = Array.from({ length: 500 }, (_, i) => ipvs.addService({ protocol: 'udp', address: '192.0.2.3', port: 1000 + i }));
  const dup = ipvs.addService({ protocol: 'udp', address: '192.0.2.3', port: 1000 }); // queued after the first
  const list = ipvs.services();
  await Promise.all(adds);
  await expect(dup).rejects.toMatchObject({ code: 'EEXIST' });
  expect(await list).toHaveLength(500);
  expect(saved()).toHaveLength(500);
  ipvs.close();
});

it('runs several handles side by side', async () => {
  ipvsadm('-C');
  const handles = await Promise.all([Ipvs.open(), Ipvs.open(), Ipvs.open()]);
  await Promise.all(handles.map((h, i) => Promise.all(Array.from({ length: 50 }, (_, j) => h.addService({ fwmark: i * 100 + j + 1 })))));
  const counts = await Promise.all(handles.map((h) => h.services().then((s) => s.length)));
  expect(counts).toEqual([150, 150, 150]);
  for (const h of handles) h.close();
});

it('close() settles queued work with ERR_IPVS_CLOSED and rejects later calls', async () => {
  ipvsadm('-C');
  const ipvs = await Ipvs.open();
  const ops = Array.from({ length: 20 }, (_, i) => ipvs.addService({ fwmark: i + 1 }).then(() => 'ok', (e: IpvsError) => e.code));
  ipvs.close();
  ipvs.close(); // idempotent
  expect(ipvs.closed).toBe(true);
  const results = await Promise.all(ops);
  // Calls made before close() were already queued: each settles, none hangs,
  // and only ones that reached the kernel changed the table.
  expect(results.every((r) => r === 'ok' || r === 'ERR_IPVS_CLOSED')).toBe(true);
  expect(saved()).toHaveLength(results.filter((r) => r === 'ok').length);
  await expect(ipvs.services()).rejects.toMatchObject({ name: 'IpvsError', code: 'ERR_IPVS_CLOSED', operation: 'services' });
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
  // A child with --expose-gc: open 20 handles, drop them, collect, count its
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
      let handles = await Promise.all(Array.from({ length: 20 }, () => Ipvs.open()));
      await Promise.all(handles.map((h) => h.services()));
      const opened = sockets();
      handles = undefined;
      for (let i = 0; i < 10 && sockets() > before; i++) { global.gc(); await new Promise((r) => setTimeout(r, 50)); }
      console.log(JSON.stringify({ before, opened, after: sockets() }));
    })();`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  const { before, opened, after } = JSON.parse(r.stdout);
  expect(opened - before).toBe(20);
  expect(after).toBe(before);
});
