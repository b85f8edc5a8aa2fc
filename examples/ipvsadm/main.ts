/**
 * ipvsadm-js: ipvsadm 1.31's command line over the `ipvs` package. Same
 * arguments, same output byte for byte, same messages and exit statuses;
 * the kernel is reached only through the package's public API.
 * @module
 */
import { execFile } from 'node:child_process';
import { Ipvs, type IpvsError } from '../../lib/index';
import { ipvsStrerror } from './messages';
import { Exit } from './output';
import { Session, type IpvsadmIo } from './session';

export type { IpvsadmIo } from './session';

/** Runs one ipvsadm command line (without the program name); resolves with the exit status. */
export async function ipvsadm(args: readonly string[], io: IpvsadmIo): Promise<number> {
  let ipvs: Ipvs | undefined;
  try {
    ipvs = await init(io);
    const session = new Session(ipvs, io);
    if (args.length === 0) {
      await session.lister.listAll(0).catch((e) => session.listFailure(e));
      return 0;
    }
    return exitStatus(await session.process([io.program, ...args], false));
  } catch (e) {
    if (e instanceof Exit) return e.status & 0xff;
    throw e;
  } finally {
    ipvs?.close();
  }
}

/** main()'s return value as the shell sees it. */
const exitStatus = (result: number) => result & 0xff;

/** ipvs_init(), loading the module with modprobe once if needed, as ipvsadm does. */
async function init(io: IpvsadmIo): Promise<Ipvs> {
  // Ipvs.open() asks the kernel for its IPVS info, as ipvs_init() does.
  try {
    return await Ipvs.open();
  } catch (first) {
    // modprobe's own messages reach stderr, as from ipvsadm's child.
    const loaded = await new Promise<boolean>((done) =>
      execFile('/sbin/modprobe', ['--', 'ip_vs'], (err, _stdout, stderr) => {
        if (stderr) io.out.err(stderr);
        done(!err);
      }),
    );
    try {
      if (loaded) return await Ipvs.open();
    } catch {
      // reported below
    }
    // No family: libipvs reports ENOPROTOOPT ("Protocol not available").
    const err = first as IpvsError;
    const errno = err.code === 'ERR_IPVS_UNAVAILABLE' || err.errno === undefined ? 92 : -err.errno;
    io.out.err(`Can't initialize ipvs: ${ipvsStrerror('init', errno)}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`);
    throw new Exit(2);
  }
}
