/**
 * One run of ipvsadm-js on an open handle: parsing, listing, changing, and
 * how each failure is reported (ipvsadm's messages and exit statuses).
 * @module
 */
import { IpvsError, type Ipvs } from '../../lib/index';
import { CommandParser, FMT, has, type Command } from './command';
import { Lister } from './listing';
import { ipvsStrerror, strerror, tryHelp, type Call } from './messages';
import { Resolver } from './names';
import { CMD, OPT } from './options';
import { Exit, type Output } from './output';
import { restoreLines, Restorer } from './restore';
import { callOf, destinationSpec, serviceKey, serviceSpec } from './to-api';

export interface IpvsadmIo {
  out: Output;
  /** The program name used in messages (ipvsadm prints its argv[0]). */
  program: string;
  /** All of stdin, for -R. */
  readStdin: () => Promise<string>;
}

/** The kernel errno behind a failure, or undefined for failures of ours. */
export function errnoOf(e: unknown): number | undefined {
  return e instanceof IpvsError && typeof e.errno === 'number' ? -e.errno : undefined;
}

export class Session {
  readonly lister: Lister;
  readonly resolver = new Resolver();

  constructor(
    readonly ipvs: Ipvs,
    readonly io: IpvsadmIo,
  ) {
    this.lister = new Lister(ipvs, io.out, this.resolver);
  }

  parser(out: Output = this.io.out): CommandParser {
    return new CommandParser(out, this.resolver, this.io.program);
  }

  /** A failed listing: the message, then exit(1). */
  listFailure(e: unknown, call: Call = 'services'): never {
    const errno = errnoOf(e);
    if (errno === undefined) throw e;
    this.io.out.err(`${ipvsStrerror(call, errno)}\n`);
    throw new Exit(1);
  }

  /** process_options(): the command's result, 0 or -1. */
  async process(argv: readonly string[], readingStdin: boolean): Promise<number> {
    const parsed = await this.parser().parse(argv);
    if ('poptError' in parsed) return -1;
    return this.execute(parsed.command, readingStdin);
  }

  async execute(c: Command, readingStdin: boolean): Promise<number> {
    const { lister } = this;
    switch (c.cmd) {
      case CMD.LIST: {
        const o = c.options;
        const on = (...opts: number[]) => opts.some((x) => has(o, x));
        if ((on(OPT.CONNECTION, OPT.TIMEOUT, OPT.DAEMON) && on(OPT.STATS, OPT.RATE, OPT.THRESHOLDS)) || (on(OPT.TIMEOUT, OPT.DAEMON) && on(OPT.PERSISTENTCONN))) {
          this.io.out.err('options conflicts in the list command\n');
          throw new Exit(2);
        }
        if (on(OPT.CONNECTION)) await lister.listConnections(c.format).catch(() => this.connectionsFailure());
        else if (on(OPT.SERVICE)) await lister.listService(serviceKey(c.svc), c.format).catch((e) => this.listFailure(e, 'service'));
        else if (on(OPT.TIMEOUT)) await lister.listTimeouts().catch(() => this.silentFailure());
        else if (on(OPT.DAEMON)) await lister.listDaemons().catch(() => this.silentFailure());
        else await lister.listAll(c.format).catch((e) => this.listFailure(e));
        return 0;
      }
      case CMD.RESTORE:
        if (readingStdin) {
          this.io.out.err(tryHelp(this.io.program));
          throw new Exit(255);
        }
        return new Restorer(this).run(restoreLines(await this.io.readStdin(), this.io.program));
      case CMD.SAVE:
        await lister.listAll(c.format | FMT.RULE).catch((e) => this.listFailure(e));
        return 0;
      default:
        return this.change(c);
    }
  }

  private connectionsFailure(): never {
    this.io.out.err('cannot open file /proc/net/ip_vs_conn\n');
    throw new Exit(1);
  }

  private silentFailure(): never {
    throw new Exit(1);
  }

  /** The commands that change the kernel's state: one call, its message on failure. */
  async change(c: Command): Promise<number> {
    const { ipvs } = this;
    const call = callOf(c);
    try {
      switch (c.cmd) {
        case CMD.FLUSH:
          await ipvs.flush();
          break;
        case CMD.ADD:
          await ipvs.addService(serviceSpec(c.svc));
          break;
        case CMD.EDIT:
          await ipvs.updateService(serviceSpec(c.svc));
          break;
        case CMD.DEL:
          await ipvs.deleteService(serviceKey(c.svc));
          break;
        case CMD.ZERO:
          await ipvs.zero(has(c.options, OPT.SERVICE) ? serviceKey(c.svc) : undefined);
          break;
        case CMD.ADDDEST:
        case CMD.EDITDEST:
          await this.thresholdsFirst(c);
          if (c.cmd === CMD.ADDDEST) await ipvs.addDestination(serviceKey(c.svc), destinationSpec(c.dest));
          else await ipvs.updateDestination(serviceKey(c.svc), destinationSpec(c.dest));
          break;
        case CMD.DELDEST:
          await ipvs.deleteDestination(serviceKey(c.svc), { address: c.dest.addr, port: c.dest.port });
          break;
        case CMD.TIMEOUT: {
          const [tcp, tcpFin, udp] = c.timeouts;
          // 0 keeps the kernel's value: such fields are left out.
          await ipvs.setTimeouts({ ...(tcp && { tcp }), ...(tcpFin && { tcpFin }), ...(udp && { udp }) });
          break;
        }
        case CMD.STARTDAEMON: {
          const d = c.daemon;
          await ipvs.startDaemon({
            state: d.state,
            interface: d.ifname,
            syncId: d.syncId,
            ...(d.maxLen && { maxLength: d.maxLen }),
            ...(d.group && { group: d.group }),
            ...(d.port && { port: d.port }),
            ...(d.ttl && { ttl: d.ttl }),
          });
          break;
        }
        case CMD.STOPDAEMON:
          await ipvs.stopDaemon(c.daemon.state);
          break;
      }
      return 0;
    } catch (e) {
      this.report(call, e);
      return -1;
    }
  }

  /** A failed change's message: libipvs's text for the errno, or the package's own for what it refused. */
  report(call: Call, e: unknown): void {
    const errno = errnoOf(e);
    this.io.out.err(`${errno === undefined ? (e as Error).message : ipvsStrerror(call, errno)}\n`);
  }

  /**
   * The package refuses a lower threshold above the upper one before sending;
   * the kernel answers it with ERANGE, after looking the service up (ESRCH).
   */
  private async thresholdsFirst(c: Command): Promise<void> {
    if (c.dest.lower <= c.dest.upper) return;
    await this.ipvs.service(serviceKey(c.svc));
    throw new IpvsError({ message: strerror(34), code: 'ERANGE', errno: -34, operation: 'addDestination' });
  }
}

