// Shared by the kernel tests: the reference CLI and a fresh handle per file.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Ipvs } from '../../lib/index';

/** Runs the real ipvsadm; throws with its stderr on failure. */
export function ipvsadm(...args: string[]): string {
  return execFileSync('ipvsadm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** ipvsadm's exit status and stderr, for commands expected to fail. */
export function ipvsadmStatus(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('ipvsadm', args, { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** The whole table in ipvsadm's save format, one rule per line. */
export function saved(): string[] {
  return ipvsadm('-Sn').split('\n').filter(Boolean);
}

/** Opens one handle for the file and empties the table before each test. */
export function useIpvs(): { readonly ipvs: Ipvs } {
  const box = {} as { ipvs: Ipvs };
  beforeAll(async () => {
    box.ipvs = await Ipvs.open();
  });
  beforeEach(() => {
    ipvsadm('-C');
  });
  afterAll(() => box.ipvs?.close());
  return box;
}

/** Polls until check() returns a value other than undefined (bounded). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
