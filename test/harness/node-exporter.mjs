// The reference exporter for the Prometheus tests: Debian's
// prometheus-node-exporter (node_exporter), unpacked into the cache rather
// than installed, so that no service of the package starts on the host. Its
// path reaches the tests as IPVS_NODE_EXPORTER (IPVS_* variables pass into
// the test kernel).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, ensureHostPackages } from './kernel.mjs';
import { HarnessError, log, makeTempDir, removeTempDir, runQuiet } from './proc.mjs';

const PACKAGE = 'prometheus-node-exporter';

/** The node_exporter binary, fetched with the host's apt once. */
export function ensureNodeExporter() {
  const dir = join(CACHE_DIR, 'node-exporter');
  const bin = join(dir, 'usr', 'bin', PACKAGE);
  if (existsSync(bin)) return bin;
  if (process.getuid?.() !== 0) throw new HarnessError(`${PACKAGE} is not in ${dir}; fetching it needs root (apt-get download)`);
  ensureHostPackages(['dpkg-deb']);
  const tmp = makeTempDir('ipvs-node-exporter-');
  try {
    log(`downloading ${PACKAGE} from Debian (the reference for the Prometheus tests)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      runQuiet('apt-get', ['-qq', 'download', PACKAGE], { cwd: tmp, env });
    } catch {
      runQuiet('apt-get', ['-qq', 'update'], { env }); // a fresh machine has no package lists
      runQuiet('apt-get', ['-qq', 'download', PACKAGE], { cwd: tmp, env });
    }
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new HarnessError(`apt-get download ${PACKAGE} gave no .deb`);
    rmSync(dir, { recursive: true, force: true });
    runQuiet('dpkg-deb', ['-x', join(tmp, deb), dir]);
  } finally {
    removeTempDir(tmp);
  }
  if (!existsSync(bin)) throw new HarnessError(`${PACKAGE}'s package has no ${bin}`);
  return bin;
}
