// The environment around the API: a kernel without IPVS (module gone and not
// loadable) gives ERR_IPVS_UNAVAILABLE with what to do, and a handle opened
// before the module was reloaded finds the new family id by itself; a missing
// scheduler or persistence engine module is named; a process without
// CAP_NET_ADMIN gets EPERM saying so. (A missing namespace path:
// namespaces.test.ts.)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Ipvs } from '../../lib/index';
import { IPVSADM_JS, ipvsadm, saved } from './helpers';

const MODPROBE = '/proc/sys/kernel/modprobe';

function ipvsModules(): string[] {
  return readFileSync('/proc/modules', 'utf8').split('\n').map((l) => l.split(' ')[0]!).filter((m) => m.startsWith('ip_vs'));
}

it('reports a missing IPVS, then survives the module coming back', async () => {
  const survivor = await Ipvs.open();
  ipvsadm('-C');
  const modprobe = readFileSync(MODPROBE, 'utf8').trim();
  try {
    writeFileSync(MODPROBE, '/bin/false\n'); // the kernel may not autoload ip_vs again
    const mods = ipvsModules();
    execFileSync('modprobe', ['-r', ...mods.filter((m) => m !== 'ip_vs'), 'ip_vs']);
    expect(existsSync('/proc/net/ip_vs')).toBe(false);

    const err = await Ipvs.open().catch((e) => e);
    expect(err).toMatchObject({ name: 'IpvsError', code: 'ERR_IPVS_UNAVAILABLE', errno: -2, operation: 'open' });
    expect(err.message).toMatch(/modprobe ip_vs/);
    await expect(survivor.services()).rejects.toMatchObject({ code: 'ENOENT', errno: -2 });
    // The /proc files went with the module.
    await expect(survivor.connections()).rejects.toMatchObject({ code: 'ERR_IPVS_UNAVAILABLE', operation: 'connections' });
    await expect(survivor.globalStats()).rejects.toMatchObject({ code: 'ERR_IPVS_UNAVAILABLE', operation: 'globalStats' });

    // ipvsadm-js says what ipvsadm says (both try /sbin/modprobe, made to fail
    // in a mount namespace of their own).
    const withoutModprobe = (...cmd: string[]) => {
      const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /bin/false /sbin/modprobe && exec "$@"', 'sh', ...cmd], { encoding: 'utf8' });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    };
    const theirs = withoutModprobe('ipvsadm', '-Ln');
    expect(theirs).toEqual({
      stdout: '',
      stderr: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n",
      status: 2,
    });
    expect(withoutModprobe(process.execPath, IPVSADM_JS, '-Ln')).toEqual(theirs);
  } finally {
    writeFileSync(MODPROBE, `${modprobe}\n`);
    execFileSync('modprobe', ['ip_vs']);
  }
  // Re-registered, the family may have a new id: the old handle resolves it
  // again, in a batch (the first thing sent) as in single operations.
  const svc = { protocol: 'tcp', address: '192.0.2.1', port: 80, scheduler: 'rr' } as const;
  await survivor.batch().addService(svc).addDestination(svc, { address: '203.0.113.2', port: 80 }).run();
  expect(saved()).toEqual(['-A -t 192.0.2.1:80 -s rr', '-a -t 192.0.2.1:80 -r 203.0.113.2:80 -m -w 1']);
  await survivor.addService({ ...svc, port: 81 });
  expect(await survivor.services()).toHaveLength(2);
  survivor.close();
});

it('names the module a scheduler or persistence engine lacks when the kernel cannot load it', async () => {
  const ipvs = await Ipvs.open();
  ipvsadm('-C');
  // A scheduler module this kernel has but has not loaded (unused ones can go).
  const candidates = ['dh', 'lblcr', 'lblc', 'sed', 'nq', 'ovf', 'fo', 'mh', 'sh'];
  const scheduler = candidates.find((s) => !ipvsModules().includes(`ip_vs_${s}`) || spawnSync('modprobe', ['-r', `ip_vs_${s}`]).status === 0);
  expect(scheduler, 'no scheduler module could be unloaded').toBeDefined();
  if (!ipvsModules().includes('ip_vs_pe_sip')) execFileSync('modprobe', ['ip_vs_pe_sip']);
  execFileSync('modprobe', ['-r', 'ip_vs_pe_sip']);
  expect(ipvsModules()).not.toContain(`ip_vs_${scheduler}`);
  const svc = { protocol: 'udp', address: '192.0.2.1', port: 5060 } as const;
  await ipvs.addService({ ...svc, scheduler: 'rr' });
  const before = saved();
  const modprobe = readFileSync(MODPROBE, 'utf8').trim();
  try {
    writeFileSync(MODPROBE, '/bin/false\n');
    const hint = new RegExp(`scheduler or persistence engine not found \\(scheduler "${scheduler}": .*modprobe ip_vs_${scheduler}\``);
    for (const err of [
      await ipvs.addService({ ...svc, port: 5061, scheduler }).catch((e) => e),
      await ipvs.updateService({ ...svc, scheduler }).catch((e) => e),
      (await ipvs.batch().addService({ ...svc, port: 5062, scheduler }).run().catch((e) => e)).failures?.[0]?.error,
    ]) {
      expect(err).toMatchObject({ name: 'IpvsError', code: 'ENOENT', errno: -2 });
      expect(err.message).toMatch(hint);
    }
    const pe = await ipvs.updateService({ ...svc, scheduler: 'rr', pe: 'sip', persistence: { timeout: 60 } }).catch((e) => e);
    expect(pe).toMatchObject({ code: 'ENOENT', operation: 'updateService' });
    expect(pe.message).toMatch(/persistence engine "sip".*modprobe ip_vs_rr ip_vs_pe_sip`/);
    expect(saved()).toEqual(before);
  } finally {
    writeFileSync(MODPROBE, `${modprobe}\n`);
  }
  // Once the kernel may load modules again, the same calls work.
  await ipvs.addService({ ...svc, port: 5061, scheduler });
  await ipvs.updateService({ ...svc, scheduler: 'rr', pe: 'sip', persistence: { timeout: 60 } });
  expect(ipvsModules()).toEqual(expect.arrayContaining([`ip_vs_${scheduler}`, 'ip_vs_pe_sip']));
  ipvsadm('-C');
  ipvs.close();
});

it('a process with every capability but CAP_NET_ADMIN: EPERM, for reads and changes, saying why', () => {
  const script = `require('tsx/cjs'); require('./lib/index.ts').Ipvs.open().then(() => console.log('opened'), (e) => console.log(JSON.stringify({ code: e.code, errno: e.errno, operation: e.operation, message: e.message })))`;
  const r = spawnSync('setpriv', ['--inh-caps=-net_admin', '--bounding-set=-net_admin', '--', process.execPath, '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ code: 'EPERM', errno: -1, operation: 'open' });
  expect(out.message).toMatch(/CAP_NET_ADMIN/);
  // ipvsadm-js says what ipvsadm says.
  const theirs = spawnSync('setpriv', ['--inh-caps=-net_admin', '--bounding-set=-net_admin', '--', 'ipvsadm', '-Ln'], { encoding: 'utf8' });
  const ours = spawnSync('setpriv', ['--inh-caps=-net_admin', '--bounding-set=-net_admin', '--', process.execPath, IPVSADM_JS, '-Ln'], { encoding: 'utf8' });
  expect(theirs.status).not.toBe(0);
  expect({ status: ours.status, stderr: ours.stderr }).toEqual({ status: theirs.status, stderr: theirs.stderr });
});
