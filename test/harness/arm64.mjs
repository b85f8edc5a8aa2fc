// An arm64 Node.js from Debian's archive, run on this x64 machine by
// qemu-user: the sysroot (nodejs and the libraries it needs, from trixie, the
// first Debian release with a Node.js >= 20.17) is fetched with apt into the
// cache dir, without touching the host's apt setup. What the arm64 prebuild
// is tested with (test/package).
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, ensureHostPackages } from './kernel.mjs';
import { log, runQuiet } from './proc.mjs';

const MIRROR = process.env.IPVS_TEST_KERNEL_MIRROR || 'http://deb.debian.org/debian';
// nodejs's dependency closure (apt-cache depends --recurse), arch-all node-* packages included:
// libnode loads its externalized builtins from /usr/share/nodejs.
const PACKAGES = [
  'nodejs', 'libnode115', 'libc6', 'libgcc-s1', 'gcc-14-base', 'libstdc++6', 'libbrotli1', 'libcares2', 'libicu76',
  'libnghttp2-14', 'libssl3t64', 'libuv1t64', 'libzstd1', 'zlib1g', 'openssl-provider-legacy', 'node-acorn',
  'node-cjs-module-lexer', 'node-undici', 'node-balanced-match', 'node-brace-expansion', 'node-minimatch', 'node-xtend',
];

/** The sysroot's directory and its node; fetched on first use. Prints them as JSON when run as a script. */
export function arm64Node() {
  const root = join(CACHE_DIR, 'arm64', 'root');
  const node = join(root, 'usr', 'bin', 'node');
  ensureHostPackages(['qemu-aarch64', 'dpkg-deb']);
  if (existsSync(node)) return { root, node };
  log('fetching an arm64 Node.js from Debian trixie (for qemu-user)');
  const apt = join(CACHE_DIR, 'arm64', 'apt');
  const debs = join(CACHE_DIR, 'arm64', 'debs');
  for (const d of [join(apt, 'lists/partial'), join(apt, 'cache/archives/partial'), debs, root]) mkdirSync(d, { recursive: true });
  writeFileSync(join(apt, 'sources.list'), `deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${MIRROR} trixie main\n`);
  const opts = [
    '-o', `Dir::Etc::SourceList=${join(apt, 'sources.list')}`, '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`, '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', 'Dir::State::status=/dev/null', '-o', 'APT::Architecture=arm64', '-o', 'APT::Architectures=arm64',
    '-o', 'APT::Sandbox::User=root',
  ];
  runQuiet('apt-get', [...opts, '--error-on=any', 'update']);
  runQuiet('apt-get', [...opts, 'download', ...PACKAGES], { cwd: debs });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) runQuiet('dpkg-deb', ['-x', join(debs, deb), root]);
  // Merged /usr: the packages ship usr/lib; the loader is looked up in /lib.
  if (!existsSync(join(root, 'lib'))) symlinkSync('usr/lib', join(root, 'lib'));
  return { root, node };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(arm64Node()));
