// Runs before each kernel test file (vitest setupFiles).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Only inside the harness's kernel: `ipvsadm -C` below would otherwise wipe a
// real host's IPVS table.
if (process.env.IPVS_TEST_KERNEL_INSIDE !== '1') {
  throw new Error('kernel tests must run inside the test kernel: use `node test/harness/run.mjs kernel`');
}
// No IPVS is a failure, never a skip.
if (!existsSync('/proc/net/ip_vs')) {
  throw new Error('/proc/net/ip_vs is missing: this kernel has no IPVS (ip_vs module not loaded?)');
}
// Each file starts from an empty IPVS table.
execFileSync('ipvsadm', ['-C']);
