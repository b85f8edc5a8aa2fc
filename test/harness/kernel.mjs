// Getting a test kernel: a User-Mode Linux (UML) build from Debian, cached.
//
// Why UML: the CI hosts' kernels have no IPVS, and UML is a whole Linux
// kernel that runs as an ordinary process with IPVS as modules. Debian
// stable's UML does not boot on these CPUs; sid's does, but needs a newer
// glibc, which we unpack privately and point the binary at with patchelf.
//
// Cache layout (default ~/.cache/ipvs-test-kernel, env IPVS_TEST_KERNEL_CACHE):
//   apt/                   private apt state for fetching from sid
//   <source>/              source = archive | fallback
//     uml/ libc/           unpacked .debs
//     linux.uml            patched kernel binary
//     modroot/lib/modules/<kver> -> uml/usr/lib/uml/modules/<kver>
//     bin/modprobe         wrapper: modprobe -d modroot (host has no /lib/modules)
//     stamp.json           written only after a successful boot check
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { HarnessError, haveCommand, log, runQuiet } from './proc.mjs';
import { bootUml } from './uml.mjs';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const CACHE_DIR = resolve(process.env.IPVS_TEST_KERNEL_CACHE || join(homedir(), '.cache', 'ipvs-test-kernel'));
// Copy of .debs known to boot, beside the project on this workplace's machines only.
const FALLBACK_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'uml');
// sid moves on: take whatever UML it serves, and boot-check it before use.
const MIRROR = process.env.IPVS_TEST_KERNEL_MIRROR || 'http://deb.debian.org/debian';
const SID_SOURCE = `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${MIRROR} sid main`;

// command -> Debian package providing it
const HOST_PACKAGES = { patchelf: 'patchelf', modprobe: 'kmod', ipvsadm: 'ipvsadm', ip: 'iproute2', 'dpkg-deb': 'dpkg', python3: 'python3', 'qemu-aarch64': 'qemu-user' };
const KERNEL_COMMANDS = ['patchelf', 'modprobe', 'ipvsadm', 'ip', 'dpkg-deb', 'python3'];

/** apt-get install whatever of `commands` is missing (fresh CI machines have none). */
export function ensureHostPackages(commands = KERNEL_COMMANDS) {
  const missing = [...new Set(commands.filter((c) => !haveCommand(c)).map((c) => HOST_PACKAGES[c]))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new HarnessError(`missing packages ${missing.join(' ')}; install them (needs root)`);
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runQuiet('apt-get', ['-qq', 'update'], { env });
  runQuiet('apt-get', ['-qq', '-y', 'install', '--no-install-recommends', ...missing], { env });
}

/**
 * Return a booted-once, cached kernel, building it when needed.
 * source: 'auto' (archive, else fallback), 'archive' or 'fallback'
 * (env IPVS_TEST_KERNEL_SOURCE).
 */
export async function ensureKernel(source = process.env.IPVS_TEST_KERNEL_SOURCE || 'auto') {
  if (!['auto', 'archive', 'fallback'].includes(source)) {
    throw new HarnessError(`IPVS_TEST_KERNEL_SOURCE must be auto, archive or fallback, not "${source}"`);
  }
  ensureHostPackages();
  const order = source === 'auto' ? ['archive', 'fallback'] : [source];
  // A kernel that was already built and boot-checked needs no network.
  for (const s of order) {
    const k = readStamp(s);
    if (k) return k;
  }
  const unlock = await lockCache();
  try {
    const errors = [];
    for (const s of order) {
      try {
        return readStamp(s) ?? (await buildKernel(s)); // another run may have built it meanwhile
      } catch (err) {
        if (!(err instanceof HarnessError)) throw err;
        log(`${s} kernel unusable: ${err.message}`);
        errors.push(`${s}: ${err.message}`);
      }
    }
    throw new HarnessError(`no usable test kernel:\n  ${errors.join('\n  ')}`);
  } finally {
    unlock();
  }
}

/**
 * One builder at a time per cache (a developer's run and another one can
 * overlap). mkdir is atomic; a lock whose owner process is gone is stale.
 */
async function lockCache() {
  const lock = join(CACHE_DIR, '.lock');
  mkdirSync(CACHE_DIR, { recursive: true });
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const owner = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    if (owner && !isAlive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (waited === 0) log(`waiting for another run building the kernel in ${CACHE_DIR}`);
    if (waited > 600_000) throw new HarnessError(`cache still locked after 10 min: ${lock}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function kernelInfo(source) {
  const dir = join(CACHE_DIR, source);
  return { source, dir, linux: join(dir, 'linux.uml'), modprobe: join(dir, 'bin', 'modprobe') };
}

function readStamp(source) {
  const k = kernelInfo(source);
  try {
    const stamp = JSON.parse(readFileSync(join(k.dir, 'stamp.json'), 'utf8'));
    if (existsSync(k.linux) && existsSync(k.modprobe)) return { ...k, ...stamp };
  } catch {
    /* no stamp: not built, or build interrupted */
  }
  return null;
}

async function buildKernel(source) {
  const k = kernelInfo(source);
  rmSync(k.dir, { recursive: true, force: true });
  mkdirSync(k.dir, { recursive: true });
  const debs = source === 'archive' ? downloadFromArchive(k.dir) : fallbackDebs();
  log(`unpacking ${source} kernel into ${k.dir}`);
  runQuiet('dpkg-deb', ['-x', debs.uml, join(k.dir, 'uml')]);
  runQuiet('dpkg-deb', ['-x', debs.libc, join(k.dir, 'libc')]);
  const version = runQuiet('dpkg-deb', ['-f', debs.uml, 'Version']).trim();
  if (source === 'archive') rmSync(join(k.dir, 'debs'), { recursive: true }); // unpacked: 40 MB saved

  const libdir = join(k.dir, 'libc/usr/lib/x86_64-linux-gnu');
  copyFileSync(join(k.dir, 'uml/usr/bin/linux.uml'), k.linux);
  runQuiet('patchelf', ['--set-interpreter', join(libdir, 'ld-linux-x86-64.so.2'), '--set-rpath', libdir, k.linux]);

  // Modules: the version folder the package ships (do not assume one version).
  const modsBase = join(k.dir, 'uml/usr/lib/uml/modules');
  const versions = existsSync(modsBase) ? readdirSync(modsBase) : [];
  if (versions.length !== 1) throw new HarnessError(`expected one module folder in ${modsBase}, found [${versions}]`);
  const kver = versions[0];
  mkdirSync(join(k.dir, 'modroot/lib/modules'), { recursive: true });
  symlinkSync(join(modsBase, kver), join(k.dir, 'modroot/lib/modules', kver));
  if (!existsSync(join(modsBase, kver, 'modules.dep'))) runQuiet('depmod', ['-b', join(k.dir, 'modroot'), kver]);
  mkdirSync(join(k.dir, 'bin'));
  writeFileSync(k.modprobe, `#!/bin/sh\nexec /usr/sbin/modprobe -d ${join(k.dir, 'modroot')} "$@"\n`, { mode: 0o755 });

  const kernel = { ...k, kver, version };
  log(`boot-checking ${source} kernel ${version} (${kver})`);
  const started = Date.now();
  const out = await bootUml(kernel, ['sh', '-c', 'modprobe ip_vs && test -e /proc/net/ip_vs && uname -r'], {
    quietOutput: true,
    timeoutMs: 120_000,
  });
  if (out.status !== 0 || !out.output.includes(kver)) {
    throw new HarnessError(`boot check failed (status ${out.status}):\n${out.output.trim().split('\n').slice(-20).join('\n')}`);
  }
  log(`boot check ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(join(k.dir, 'stamp.json'), JSON.stringify({ kver, version, checkedAt: new Date().toISOString() }, null, 2));
  return kernel;
}

/** Download user-mode-linux and libc6 from Debian sid without touching the host's apt setup. */
function downloadFromArchive(dir) {
  const apt = join(CACHE_DIR, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, 'sources.list'), `${SID_SOURCE}\n`);
  const opts = [
    '-qq',
    `-o`, `Dir::Etc::SourceList=${join(apt, 'sources.list')}`,
    `-o`, 'Dir::Etc::SourceParts=/dev/null',
    `-o`, `Dir::State::Lists=${join(apt, 'lists')}`,
    `-o`, `Dir::Cache=${join(apt, 'cache')}`,
    `-o`, 'APT::Sandbox::User=root', // the cache dir may be unreadable to _apt
  ];
  log('downloading user-mode-linux and libc6 from Debian sid');
  runQuiet('apt-get', [...opts, '--error-on=any', 'update']); // else a failed fetch passes silently
  const debs = join(dir, 'debs');
  mkdirSync(debs);
  // /sid: never the host's own (too old) libc6.
  runQuiet('apt-get', [...opts, 'download', 'user-mode-linux/sid', 'libc6/sid'], { cwd: debs });
  return pickDebs(debs);
}

/** The checked-in copy of .debs known to boot, verified against its SHA256SUMS. */
function fallbackDebs() {
  if (!existsSync(join(FALLBACK_DIR, 'SHA256SUMS'))) throw new HarnessError(`no fallback folder ${FALLBACK_DIR}`);
  log(`using fallback packages from ${FALLBACK_DIR}`);
  runQuiet('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: FALLBACK_DIR });
  return pickDebs(FALLBACK_DIR);
}

function pickDebs(dir) {
  const files = readdirSync(dir);
  const find = (prefix) => {
    const f = files.find((n) => n.startsWith(prefix) && n.endsWith('.deb'));
    if (!f) throw new HarnessError(`no ${prefix}*.deb in ${dir}`);
    return join(dir, f);
  };
  return { uml: find('user-mode-linux_'), libc: find('libc6_') };
}
