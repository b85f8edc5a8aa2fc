// Where kernel-facing commands run: a fresh network namespace on a host that
// has IPVS itself, otherwise a User-Mode Linux kernel. Never the host's own
// namespace: IPVS state is per namespace, and tests flush it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ensureHostPackages, ensureKernel, PROJECT_ROOT } from './kernel.mjs';
import { HarnessError, log, run } from './proc.mjs';
import { bootUml, describeKernel } from './uml.mjs';

/** 'netns' or 'uml'; env IPVS_TEST_KERNEL=uml|netns forces one. */
export function chooseTarget() {
  const forced = process.env.IPVS_TEST_KERNEL;
  if (forced === 'uml' || forced === 'netns') return forced;
  if (forced) throw new HarnessError(`IPVS_TEST_KERNEL must be uml or netns, not "${forced}"`);
  if (process.getuid?.() !== 0) return 'uml';
  if (existsSync('/proc/net/ip_vs')) return 'netns';
  return spawnSync('modprobe', ['-q', 'ip_vs'], { stdio: 'ignore' }).status === 0 && existsSync('/proc/net/ip_vs') ? 'netns' : 'uml';
}

/** Run argv (cwd = project root) in the test kernel; resolves its exit status. */
export async function runInKernel(argv) {
  const target = chooseTarget();
  if (target === 'netns') return runInNetns(argv);
  const kernel = await ensureKernel();
  describeKernel(kernel);
  const { status } = await bootUml(kernel, argv, { cwd: PROJECT_ROOT });
  return status;
}

async function runInNetns(argv) {
  if (process.getuid?.() !== 0) throw new HarnessError('IPVS_TEST_KERNEL=netns needs root');
  ensureHostPackages(['ip', 'ipvsadm', 'modprobe', 'python3']);
  for (const m of ['ip_vs', 'veth', 'dummy']) spawnSync('modprobe', ['-q', m], { stdio: 'ignore' });
  log('running in a fresh network namespace of the host kernel');
  // Private mount namespace too, so `ip netns add` state (/run/netns) stays ours.
  const script = 'mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && ip link set lo up && exec "$@"';
  return run('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...argv], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, IPVS_TEST_KERNEL_INSIDE: '1' },
  });
}
