// Handles bound to other network namespaces (by path and by descriptor), used
// at the same time as one in the init namespace: each sees only its own
// table, connections and statistics, and the process never changes namespace.
import { openSync, closeSync, readlinkSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Ipvs } from '../../lib/index';
import { createNamespace, natTopology, sh, type NatTopology } from '../harness/topology';
import { ipvsadm, until } from './helpers';

const BLUE = 'ipvs-blue';
const RED = 'ipvs-red';
let t: NatTopology;
beforeAll(async () => {
  t = await natTopology({ servers: 1 });
  await createNamespace(BLUE);
  await createNamespace(RED);
});
afterAll(async () => {
  await t?.teardown();
  for (const ns of [BLUE, RED]) await sh('ip', 'netns', 'del', ns).catch(() => undefined);
});

const savedIn = (ns: string) => sh('ip', 'netns', 'exec', ns, 'ipvsadm', '-Sn').then((o) => o.split('\n').filter(Boolean));
/** The namespaces of this process's threads (a thread exiting meanwhile is skipped). */
const threadNamespaces = () => {
  const found = new Set<string>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      found.add(readlinkSync(`/proc/self/task/${tid}/ns/net`));
    } catch {
      // gone
    }
  }
  return found;
};

it('keeps the tables of three namespaces apart, used concurrently', async () => {
  const own = readlinkSync('/proc/self/ns/net');
  // red by descriptor: a process living in it (its /proc/PID/ns/net), opened then closed by us at once.
  const sleeper = spawn('ip', ['netns', 'exec', RED, 'sleep', '60'], { stdio: 'ignore' });
  try {
    await until(async () => (readlinkSync(`/proc/${sleeper.pid}/ns/net`) !== own ? true : undefined), 'sleeper in red');
    const fd = openSync(`/proc/${sleeper.pid}/ns/net`, 'r');
    const red = await Ipvs.open({ netns: fd });
    closeSync(fd); // the handle keeps its own copy
    const blue = await Ipvs.open({ netns: `/run/netns/${BLUE}` });
    const init = await Ipvs.open();
    ipvsadm('-C');
    try {
      const svc = (n: number) => ({ protocol: 'tcp', address: '192.0.2.1', port: n, scheduler: 'rr' }) as const;
      // Interleaved on the thread pool: 3 handles x 20 services.
      await Promise.all([1, 2, 3].flatMap((h) => Array.from({ length: 20 }, (_, i) => [blue, red, init][h - 1]!.addService(svc(h * 100 + i)))));
      await Promise.all([
        blue.setTimeouts({ tcp: 1111 }),
        red.setTimeouts({ tcp: 2222 }),
        init.addDestination(svc(300), { address: '192.0.2.9', port: 80 }),
      ]);
      const [b, r, i] = await Promise.all([blue.services(), red.services(), init.services()]);
      expect(b.map((s) => 'port' in s && s.port).sort()).toEqual(Array.from({ length: 20 }, (_, k) => 100 + k));
      expect(r.map((s) => 'port' in s && s.port).sort()).toEqual(Array.from({ length: 20 }, (_, k) => 200 + k));
      expect(i.map((s) => 'port' in s && s.port).sort()).toEqual(Array.from({ length: 20 }, (_, k) => 300 + k));
      // ipvsadm run inside each namespace agrees.
      expect((await savedIn(BLUE)).filter((l) => l.startsWith('-A'))).toHaveLength(20);
      expect((await savedIn(RED)).every((l) => /:2\d\d /.test(l))).toBe(true);
      expect(ipvsadm('-Sn')).toContain('-a -t 192.0.2.1:300 -r 192.0.2.9:80');
      expect((await blue.timeouts()).tcp).toBe(1111);
      expect((await red.timeouts()).tcp).toBe(2222);
      expect((await init.timeouts()).tcp).toBe(900);

      // Traffic in the init namespace only: its connections and totals move, theirs do not.
      // (A port of its own: entries of earlier files' traffic live on for minutes.)
      const nat = { protocol: 'tcp', address: t.vip.v4, port: 84 } as const;
      await init.addService(nat);
      await init.addDestination(nat, { address: t.servers[0]!.v4, port: 8080 });
      await t.request(3, t.vip.v4, 84);
      await until(async () => ((await init.service(nat)).stats.connections === 3n ? true : undefined), 'init namespace counters');
      expect((await init.globalStats()).connections).toBeGreaterThanOrEqual(3n);
      expect((await init.connections({ service: nat })).length).toBe(3);
      for (const other of [blue, red]) {
        expect(await other.connections()).toEqual([]);
        expect((await other.globalStats()).connections).toBe(0n);
        expect(await other.daemons()).toEqual([]);
      }
      expect(readlinkSync('/proc/self/ns/net')).toBe(own);
      // The threads that entered other namespaces have exited; one may still be
      // listed for a moment after join() (the kernel reaps it just after).
      await until(async () => (threadNamespaces().size === 1 ? true : undefined), 'no thread left in another namespace', 5000);
      expect(threadNamespaces()).toEqual(new Set([own]));
    } finally {
      for (const h of [blue, red, init]) h.close();
      await blue.setTimeouts({ tcp: 900 }).catch(() => undefined);
    }
  } finally {
    sleeper.kill('SIGKILL');
  }
  ipvsadm('-C');
});

it('refuses what is not a network namespace, with typed errors', async () => {
  await expect(Ipvs.open({ netns: '/etc/hostname' })).rejects.toMatchObject({ name: 'IpvsError', code: 'EINVAL', syscall: 'setns', operation: 'open' });
  await expect(Ipvs.open({ netns: '/proc/self/ns/uts' })).rejects.toMatchObject({ code: 'EINVAL', syscall: 'setns' });
  await expect(Ipvs.open({ netns: '/run/netns/ipvs-none' })).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' });
  await expect(Ipvs.open({ netns: 987654 })).rejects.toMatchObject({ code: 'EBADF', syscall: 'fcntl' });
  await expect(Ipvs.open({ netns: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  await expect(Ipvs.open({ netns: {} as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  // Without CAP_SYS_ADMIN, entering the namespace is refused.
  const r = await sh('setpriv', '--inh-caps=-all', '--bounding-set=-sys_admin', '--', process.execPath, '-e',
    `require('tsx/cjs'); require(${JSON.stringify(resolve('lib/index.ts'))}).Ipvs.open({ netns: '/run/netns/${BLUE}' }).then(() => console.log('opened'), (e) => console.log(e.code, e.syscall))`);
  expect(r.trim()).toBe('EPERM setns');
});
