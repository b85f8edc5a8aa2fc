// The environment around the API: a kernel without IPVS (module gone and not
// loadable) gives ERR_IPVS_UNAVAILABLE with what to do, and a handle opened
// before the module was reloaded finds the new family id by itself.
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
