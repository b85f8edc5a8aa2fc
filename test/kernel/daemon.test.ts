// Connection synchronisation with the real kernel daemons: a master in the
// director's namespace and a backup in another namespace, joined by a veth
// pair inside the test kernel. Connections made through the master's service
// appear in the backup's table, marked as learnt by sync.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Ipvs, type Connection } from '../../lib/index';
import { connectNamespace, createNamespace, natTopology, sh, type NatTopology } from '../harness/topology';
import { ipvsadm, until } from './helpers';

const BACKUP = 'ipvs-backup';
const LINK = 'ipvs-sync'; // the master's end; the backup's end is its eth0
let t: NatTopology;
let master: Ipvs;
let backup: Ipvs;
beforeAll(async () => {
  t = await natTopology();
  await createNamespace(BACKUP);
  await connectNamespace(BACKUP, { hostIf: LINK, hostAddrs: ['192.0.2.1/24', '2001:db8:3::1/64'], nsAddrs: ['192.0.2.2/24', '2001:db8:3::2/64'] });
  master = await Ipvs.open();
  backup = await Ipvs.open({ netns: `/run/netns/${BACKUP}` });
});
beforeEach(async () => {
  for (const h of [master, backup]) {
    for (const d of await h.daemons()) await h.stopDaemon(d.state);
    await h.flush();
  }
});
afterAll(async () => {
  for (const h of [master, backup]) {
    for (const d of (await h?.daemons().catch(() => [])) ?? []) await h.stopDaemon(d.state);
    h?.close();
  }
  await sh('ip', 'netns', 'del', BACKUP).catch(() => undefined);
  await t?.teardown();
});

/** `ipvsadm -L --daemon`'s line for a daemon. */
function ipvsadmLine(d: Awaited<ReturnType<Ipvs['daemons']>>[number]): string {
  return `${d.state} sync daemon (mcast=${d.interface}, syncid=${d.syncId}, maxlen=${d.maxLength}, group=${d.group}, port=${d.port}, ttl=${d.ttl})`;
}

it('starts, lists and stops daemons as ipvsadm --start-daemon/--daemon/--stop-daemon do', async () => {
  expect(await master.daemons()).toEqual([]);
  await master.startDaemon({ state: 'master', interface: LINK, syncId: 7, maxLength: 1200, group: '239.1.1.1', port: 9000, ttl: 2 });
  await master.startDaemon({ state: 'backup', interface: LINK, group: 'ff02::1:81' });
  const ds = await master.daemons();
  expect(ds).toEqual([
    { state: 'master', interface: LINK, syncId: 7, maxLength: 1200, group: '239.1.1.1', port: 9000, ttl: 2 },
    // Options not given: the kernel's defaults (port 8848, ttl 1, maxlen from the MTU).
    { state: 'backup', interface: LINK, syncId: 0, maxLength: expect.any(Number), group: 'ff02::1:81', port: 8848, ttl: 1 },
  ]);
  expect(ipvsadm('-L', '--daemon')).toBe(ds.map(ipvsadmLine).join('\n') + '\n');

  await expect(master.startDaemon({ state: 'master', interface: LINK })).rejects.toMatchObject({ code: 'EEXIST', operation: 'startDaemon', message: expect.stringMatching(/already running/) });
  await master.stopDaemon('master');
  await expect(master.stopDaemon('master')).rejects.toMatchObject({ code: 'ESRCH', errno: -3, message: expect.stringMatching(/no daemon is running/) });
  await expect(master.startDaemon({ state: 'master', interface: 'nosuchif0' })).rejects.toMatchObject({ code: 'ENODEV' });
  expect(ipvsadm('-L', '--daemon')).toBe(ipvsadmLine(ds[1]!) + '\n');
  // ipvsadm's ranges, refused before anything is sent.
  for (const [spec, code] of [
    [{ state: 'slave', interface: LINK }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'a-very-long-ifname' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: LINK, syncId: 256 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master', interface: LINK, group: '10.0.0.1' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: LINK, port: 0 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master', interface: LINK, ttl: 256 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master', interface: LINK, maxLength: 65508 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master', interface: LINK, mcast: 'x' }, 'ERR_INVALID_ARG_VALUE'],
  ] as const) {
    await expect(master.startDaemon(spec as never), JSON.stringify(spec)).rejects.toMatchObject({ code });
  }
  await expect(master.stopDaemon('both' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  expect(await master.daemons()).toHaveLength(1);
});

it.each([
  ['IPv4', '224.0.0.81', 8081],
  ['IPv6', 'ff05::1:81', 8082],
])('syncs connections from a master to a backup in another namespace (%s group)', async (_, group, port) => {
  // Each case has its own virtual port: the previous case's entries live on
  // (TIME_WAIT), and a new client may reuse one of their ports.
  const key = { protocol: 'tcp', address: t.vip.v4, port } as const;
  for (const h of [master, backup]) {
    await h.addService({ ...key, scheduler: 'rr' });
    for (const s of t.servers) await h.addDestination(key, { address: s.v4, port: s.port });
  }
  await backup.startDaemon({ state: 'backup', interface: 'eth0', syncId: 3, group });
  await master.startDaemon({ state: 'master', interface: LINK, syncId: 3, group });

  await t.request(3, t.vip.v4, port);
  const mine = await master.connections({ service: key, template: false });
  expect(mine).toHaveLength(3);
  // The master sends at state changes and flushes at least every 2 s.
  const learnt = await until(async () => {
    const rows = await backup.connections({ withOrigin: true, service: key });
    return mine.every((m) => rows.some((r) => r.clientPort === m.clientPort)) ? rows : undefined;
  }, 'synced connections on the backup');
  const ports = new Set(mine.map((m) => m.clientPort));
  const synced = learnt.filter((c: Connection) => ports.has(c.clientPort));
  // Closing connections move on (CLOSE_WAIT -> TIME_WAIT) while we read: the
  // backup holds a state the master's entry had when read before or after.
  const later = await master.connections({ service: key, template: false });
  for (const c of synced) {
    expect(c.origin).toBe('sync');
    const m = mine.find((x) => x.clientPort === c.clientPort)!;
    const states = [m.state, later.find((x) => x.clientPort === c.clientPort)?.state];
    expect(states).toContain(c.state);
    expect({ ...c, expires: 0, origin: undefined, state: m.state }).toEqual({ ...m, expires: 0 });
  }
  // The master's own table says they are local; the backup's ipvsadm lists them too.
  expect((await master.connections({ withOrigin: true, service: key })).every((c) => c.origin === 'local')).toBe(true);
  const theirs = await sh('ip', 'netns', 'exec', BACKUP, 'ipvsadm', '-Lnc');
  for (const m of mine) expect(theirs).toContain(`${t.client.v4}:${m.clientPort}`);
});
