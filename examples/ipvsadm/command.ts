/**
 * One ipvsadm command line -> a checked command, with ipvsadm's rules,
 * defaults, order of checks and messages (parse_options, process_options,
 * generic_opt_check, tunnel_opt_check). Fields are kept as ipvsadm keeps them
 * (numbers, flags), so that later options act on earlier ones as there.
 * @module
 */
import { atoi, inetAton, inetPton4, inetPton6, ipv4ToString, stringToNumber, strIsDigit, strtokComma, strtol } from './c-parse';
import { Exit, type Output } from './output';
import { serviceToPort, type Resolver } from './names';
import { CMD, CMD_NAMES, COMMANDS_V_OPTIONS, OPT, OPT_NAMES, OPTION_TABLE, TUN_NAMES, TUN_OPTS, TUNNEL_TYPES_V_OPTIONS } from './options';
import { Popt, poptStrerror } from './popt';
import { tryHelp, usage, VERSION_LINE } from './messages';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO = { TCP: 6, UDP: 17, SCTP: 132 } as const;
export const SVC_F = { PERSISTENT: 0x1, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const;
export const FWD = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3 } as const;
export const FMT = { NUMERIC: 0x1, RULE: 0x2, STATS: 0x4, RATE: 0x8, THRESHOLDS: 0x10, PERSISTENTCONN: 0x20, NOSORT: 0x40, EXACT: 0x80, TUN_INFO: 0x100 } as const;

const MAX_TIMEOUT = 86400 * 31;
const DEFAULT_PERSISTENT_TIMEOUT = 360;
const INT_MAX = 2147483647;

export interface Svc {
  af: number;
  protocol: number;
  /** IPv4 dotted or IPv6 text; '' when none was given. */
  addr: string;
  port: number;
  fwmark: number;
  sched: string;
  flags: number;
  timeout: number;
  /** IPv4: the mask as a host-order number; IPv6: a prefix length. */
  netmask: number;
  pe: string;
}

export interface Dest {
  af: number;
  addr: string;
  port: number;
  fwd: number;
  weight: number;
  upper: number;
  lower: number;
  tunType: number;
  tunPort: number;
  tunFlags: number;
}

export interface DaemonArgs {
  state: 'master' | 'backup';
  ifname: string;
  syncId: number;
  maxLen: number;
  group: string;
  port: number;
  ttl: number;
}

export interface Command {
  cmd: number;
  /** Which options were given: 1 at each given OPT number. */
  options: number[];
  format: number;
  svc: Svc;
  dest: Dest;
  timeouts: [number, number, number];
  daemon: DaemonArgs;
}

/** What parsing gave: a command, or a popt error already reported (ipvsadm returns -1 and goes on). */
export type Parsed = { command: Command } | { poptError: true };

export const has = (options: readonly number[], opt: number): boolean => options[opt] === 1;

const ALL_OPTS = [...OPT_NAMES.keys()];
const NO_OPTIONS: number[] = OPT_NAMES.map(() => 0);
const COMMANDS: Record<string, number> = {
  A: CMD.ADD, E: CMD.EDIT, D: CMD.DEL, a: CMD.ADDDEST, e: CMD.EDITDEST, d: CMD.DELDEST, C: CMD.FLUSH,
  L: CMD.LIST, l: CMD.LIST, Z: CMD.ZERO, set: CMD.TIMEOUT, R: CMD.RESTORE, S: CMD.SAVE,
};

type ServiceFields = Pick<Svc, 'af' | 'addr' | 'port' | 'netmask' | 'protocol'>;

const SERVICE_ADDR = 1;
const SERVICE_PORT = 2;

export class CommandParser {
  constructor(
    private readonly out: Output,
    private readonly resolver: Resolver,
    private readonly program: string,
  ) {}

  private fail(status: number, message: string): never {
    this.out.err(`${message}\n`);
    throw new Exit(status);
  }

  private tryHelpExit(): never {
    this.out.err(tryHelp(this.program));
    throw new Exit(255);
  }

  /**
   * parse_service(): fills addr/af/port of `svc` from host[:port] or
   * [v6]:port. A Promise only when a host name must be looked up (a restore
   * of numeric rules never waits).
   */
  private parseService(text: string, svc: ServiceFields): number | Promise<number> {
    if (strIsDigit(text)) return 0;
    let buf = text;
    let portText: string | null = null;
    if (buf[0] === '[') {
      const close = buf.indexOf(']', 1);
      if (close < 0) return 0;
      if (buf[close + 1] !== ':') return 0;
      portText = buf.slice(close + 2);
      buf = buf.slice(1, close);
    }
    // IPv6 text has two colons at least: a shortcut past the IPv6 parser for every IPv4 line.
    if (buf.indexOf(':') !== buf.lastIndexOf(':') && inetPton6(buf)) {
      svc.addr = buf;
      svc.af = AF_INET6;
      svc.netmask = 128;
      return this.servicePort(portText, svc);
    }
    const colon = buf.lastIndexOf(':');
    const port = colon >= 0 ? buf.slice(colon + 1) : null;
    if (colon >= 0) buf = buf.slice(0, colon);
    const v4 = inetAton(buf);
    if (v4 !== null) {
      svc.addr = ipv4ToString(v4);
      svc.af = AF_INET;
      return this.servicePort(port, svc);
    }
    return this.resolver.hostToAddress(buf).then((addr) => {
      if (addr === undefined) return 0;
      svc.addr = addr;
      svc.af = AF_INET;
      return this.servicePort(port, svc);
    });
  }

  /** parse_service()'s port part: a number or a service name of the protocol. */
  private servicePort(portText: string | null, svc: ServiceFields): number {
    let result = SERVICE_ADDR;
    if (portText !== null) {
      result |= SERVICE_PORT;
      let port = stringToNumber(portText, 0, 65535);
      if (port === -1) port = serviceToPort(portText, svc.protocol);
      if (port === -1) return 0;
      svc.port = port;
    }
    return result;
  }

  /** parse_netmask(): an IPv4 mask by inet_aton() or host name. */
  private async parseNetmask(text: string): Promise<number | undefined> {
    const v4 = inetAton(text);
    if (v4 !== null) return v4;
    const addr = await this.resolver.hostToAddress(text);
    return addr === undefined ? undefined : (inetAton(addr) ?? undefined);
  }

  private parseTimeout(text: string | null, min: number, max: number): number {
    if (text === null) return DEFAULT_PERSISTENT_TIMEOUT;
    const v = stringToNumber(text, min, max);
    if (v === -1) this.fail(2, `invalid timeout value \`${text}' specified`);
    return v;
  }

  private parseFwmark(text: string): number {
    const { value, end, overflow } = strtol(text);
    if (end !== text.length || end === 0 || overflow || value <= 0n || value > 0xffffffffn) this.fail(2, `invalid fwmark value \`${text}' specified`);
    return Number(value);
  }

  private parseSchedFlags(sched: string, text: string): number {
    const scheduler = sched || 'wlc';
    let flags = 0;
    const needs = (flag: string, want: string) => {
      if (scheduler !== want) this.fail(2, `incompatible scheduler flag \`${flag}'`);
    };
    const names = strtokComma(text);
    // ipvsadm dereferences strtok's NULL here (a crash): refuse it instead.
    if (names.length === 0) this.fail(2, `invalid scheduler flag \`${text}'`);
    for (const flag of names) {
      if (flag === 'flag-1') flags |= SVC_F.SCHED1;
      else if (flag === 'flag-2') flags |= SVC_F.SCHED2;
      else if (flag === 'flag-3') flags |= SVC_F.SCHED3;
      else if (flag === 'sh-fallback') (flags |= SVC_F.SCHED1), needs(flag, 'sh');
      else if (flag === 'sh-port') (flags |= SVC_F.SCHED2), needs(flag, 'sh');
      else if (flag === 'mh-fallback') (flags |= SVC_F.SCHED1), needs(flag, 'mh');
      else if (flag === 'mh-port') (flags |= SVC_F.SCHED2), needs(flag, 'mh');
      else this.fail(2, `invalid scheduler flag \`${flag}'`);
    }
    return flags;
  }

  private setOption(c: Command, opt: number): void {
    if (c.options[opt]) this.fail(2, `multiple '${OPT_NAMES[opt]}' options specified`);
    c.options[opt] = 1;
  }

  /** parse_options() + process_options()' checks. */
  async parse(argv: readonly string[]): Promise<Parsed> {
    const c: Command = {
      cmd: 0,
      options: NO_OPTIONS.slice(),
      format: 0,
      svc: { af: 0, protocol: 0, addr: '', port: 0, fwmark: 0, sched: '', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' },
      dest: { af: 0, addr: '', port: 0, fwd: FWD.DROUTE, weight: 1, upper: 0, lower: 0, tunType: 0, tunPort: 0, tunFlags: 0 },
      timeouts: [0, 0, 0],
      daemon: { state: 'master', ifname: '', syncId: 0, maxLen: 0, group: '', port: 0, ttl: 0 },
    };
    const popt = new Popt(argv, OPTION_TABLE);
    let schedFlagsArg = '';

    const first = popt.nextOption();
    if (typeof first === 'number') this.tryHelpExit();
    if (Object.hasOwn(COMMANDS, first.tag)) {
      c.cmd = COMMANDS[first.tag]!;
    } else if (first.tag === 'start-daemon' || first.tag === 'stop-daemon') {
      c.cmd = first.tag === 'start-daemon' ? CMD.STARTDAEMON : CMD.STOPDAEMON;
      if (first.arg === 'master' || first.arg === 'backup') c.daemon.state = first.arg;
      else this.fail(2, first.tag === 'start-daemon' ? 'illegal start-daemon parameter specified' : 'illegal start_daemon specified');
    } else if (first.tag === 'h') {
      this.out.write(usage(this.program));
      throw new Exit(0);
    } else if (first.tag === 'v') {
      this.out.write(VERSION_LINE);
      throw new Exit(0);
    } else {
      this.tryHelpExit();
    }

    let next: ReturnType<Popt['nextOption']>;
    while (typeof (next = popt.nextOption()) !== 'number') {
      const { tag, arg: a } = next;
      const arg = a ?? '';
      switch (tag) {
        case 't':
        case 'u':
        case 'sctp-service':
          this.setOption(c, OPT.SERVICE);
          c.svc.protocol = tag === 't' ? IPPROTO.TCP : tag === 'u' ? IPPROTO.UDP : IPPROTO.SCTP;
          const parsed = this.parseService(arg, c.svc);
          // Awaited only for a host name: no microtask per numeric address.
          if (!((typeof parsed === 'number' ? parsed : await parsed) & SERVICE_ADDR)) this.fail(2, 'illegal virtual server address[:port] specified');
          break;
        case 'f':
          this.setOption(c, OPT.SERVICE);
          c.svc.af = AF_INET;
          c.svc.protocol = IPPROTO.TCP;
          c.svc.fwmark = this.parseFwmark(arg);
          break;
        case 's':
          this.setOption(c, OPT.SCHEDULER);
          c.svc.sched = truncateBytes(arg, 15);
          break;
        case 'p':
          this.setOption(c, OPT.PERSISTENT);
          c.svc.flags |= SVC_F.PERSISTENT;
          c.svc.timeout = this.parseTimeout(a, 1, MAX_TIMEOUT);
          break;
        case 'M':
          this.setOption(c, OPT.NETMASK);
          if (c.svc.af !== AF_INET6) {
            const mask = await this.parseNetmask(arg);
            if (mask === undefined) this.fail(2, 'illegal virtual server persistent mask specified');
            c.svc.netmask = mask;
          } else {
            c.svc.netmask = atoi(arg);
            if (c.svc.netmask < 1 || c.svc.netmask > 128) this.fail(2, 'illegal ipv6 netmask specified');
          }
          break;
        case 'r': {
          this.setOption(c, OPT.SERVER);
          const t = { ...c.svc };
          const pending = this.parseService(arg, t);
          const parse = typeof pending === 'number' ? pending : await pending;
          c.dest.af = t.af;
          c.dest.addr = t.addr;
          c.dest.port = t.port;
          if (!(parse & SERVICE_ADDR)) this.fail(2, 'illegal real server address[:port] specified');
          if (parse === SERVICE_ADDR) c.dest.port = c.svc.port;
          break;
        }
        case 'i':
        case 'g':
        case 'm':
          this.setOption(c, OPT.FORWARD);
          c.dest.fwd = tag === 'i' ? FWD.TUNNEL : tag === 'g' ? FWD.DROUTE : FWD.MASQ;
          break;
        case 'w':
          this.setOption(c, OPT.WEIGHT);
          // Debian's ipvsadm takes weights up to INT_MAX, as the kernel does.
          if ((c.dest.weight = stringToNumber(arg, 0, INT_MAX)) === -1) this.fail(2, 'illegal weight specified');
          break;
        case 'x':
          this.setOption(c, OPT.UTHRESHOLD);
          if ((c.dest.upper = stringToNumber(arg, 0, INT_MAX)) === -1) this.fail(2, 'illegal u_threshold specified');
          break;
        case 'y':
          this.setOption(c, OPT.LTHRESHOLD);
          if ((c.dest.lower = stringToNumber(arg, 0, INT_MAX)) === -1) this.fail(2, 'illegal l_threshold specified');
          break;
        case 'c':
          this.setOption(c, OPT.CONNECTION);
          break;
        case 'n':
          this.setOption(c, OPT.NUMERIC);
          c.format |= FMT.NUMERIC;
          break;
        case 'mcast-interface':
          this.setOption(c, OPT.MCAST);
          c.daemon.ifname = truncateBytes(arg, 15);
          break;
        case 'syncid':
          this.setOption(c, OPT.SYNCID);
          if ((c.daemon.syncId = stringToNumber(arg, 0, 255)) === -1) this.fail(2, 'illegal syncid specified');
          break;
        case 'timeout':
          this.setOption(c, OPT.TIMEOUT);
          break;
        case 'daemon':
          this.setOption(c, OPT.DAEMON);
          break;
        case 'stats':
          this.setOption(c, OPT.STATS);
          c.format |= FMT.STATS;
          break;
        case 'rate':
          this.setOption(c, OPT.RATE);
          c.format |= FMT.RATE;
          break;
        case 'thresholds':
          this.setOption(c, OPT.THRESHOLDS);
          c.format |= FMT.THRESHOLDS;
          break;
        case 'persistent-conn':
          this.setOption(c, OPT.PERSISTENTCONN);
          c.format |= FMT.PERSISTENTCONN;
          break;
        case 'nosort':
          this.setOption(c, OPT.NOSORT);
          c.format |= FMT.NOSORT;
          break;
        case 'sort':
          break; // the default; accepted for compatibility
        case 'X':
          this.setOption(c, OPT.EXACT);
          c.format |= FMT.EXACT;
          break;
        case '6':
          if (c.svc.fwmark) {
            c.svc.af = AF_INET6;
            c.svc.netmask = 128;
          } else {
            this.fail(2, '-6 used before -f\n');
          }
          break;
        case 'o':
          this.setOption(c, OPT.ONEPACKET);
          c.svc.flags |= SVC_F.ONEPACKET;
          break;
        case 'pe':
          this.setOption(c, OPT.PERSISTENCE_ENGINE);
          c.svc.pe = truncateBytes(arg, 32);
          break;
        case 'b':
          this.setOption(c, OPT.SCHED_FLAGS);
          schedFlagsArg = truncateBytes(arg, 127);
          break;
        case 'mcast-group':
          this.setOption(c, OPT.MCAST_GROUP);
          if (arg.includes(':')) {
            if (!inetPton6(arg) || !isIPv6Multicast(arg)) this.fail(2, `invalid IPv6 mcast-group \`${arg}'`);
          } else if (!inetPton4(arg) || (Number(arg.split('.')[0]) & 0xf0) !== 0xe0) {
            this.fail(2, `invalid IPv4 mcast-group \`${arg}'`);
          }
          c.daemon.group = arg;
          break;
        case 'mcast-port':
          this.setOption(c, OPT.MCAST_PORT);
          if ((c.daemon.port = stringToNumber(arg, 1, 65535)) === -1) this.fail(2, 'illegal mcast-port specified');
          break;
        case 'mcast-ttl':
          this.setOption(c, OPT.MCAST_TTL);
          if ((c.daemon.ttl = stringToNumber(arg, 1, 255)) === -1) this.fail(2, 'illegal mcast-ttl specified');
          break;
        case 'sync-maxlen':
          this.setOption(c, OPT.SYNC_MAXLEN);
          if ((c.daemon.maxLen = stringToNumber(arg, 1, 65535 - 20 - 8)) === -1) this.fail(2, 'illegal sync-maxlen specified');
          break;
        case 'tun-info':
          this.setOption(c, OPT.TUN_INFO);
          c.format |= FMT.TUN_INFO;
          break;
        case 'tun-type': {
          this.setOption(c, OPT.TUN_TYPE);
          const type = TUN_NAMES.indexOf(arg);
          if (type < 0) this.fail(2, 'illegal tunnel type specified');
          c.dest.tunType = type;
          break;
        }
        case 'tun-port':
          this.setOption(c, OPT.TUN_PORT);
          if ((c.dest.tunPort = stringToNumber(arg, 1, 65535)) === -1) this.fail(2, 'illegal tunnel port specified');
          break;
        case 'tun-nocsum':
          this.setOption(c, OPT.TUN_NOCSUM);
          break;
        case 'tun-csum':
          this.setOption(c, OPT.TUN_CSUM);
          c.dest.tunFlags |= 1;
          break;
        case 'tun-remcsum':
          this.setOption(c, OPT.TUN_REMCSUM);
          c.dest.tunFlags |= 2;
          break;
        default:
          this.fail(2, `invalid option \`${popt.badOption()}'`);
      }
    }
    if (next < -1) {
      this.out.err(`${popt.badOption()}: ${poptStrerror(next)}\n`);
      return { poptError: true };
    }

    if (c.cmd === CMD.TIMEOUT) {
      const t = [popt.getArg(), popt.getArg(), popt.getArg()];
      if (t[0] === undefined || t[1] === undefined || t[2] === undefined) this.fail(2, '--set option requires 3 timeout values');
      c.timeouts = [this.parseTimeout(t[0], 0, MAX_TIMEOUT), this.parseTimeout(t[1], 0, MAX_TIMEOUT), this.parseTimeout(t[2], 0, MAX_TIMEOUT)];
    }
    const extra = popt.getArg();
    if (extra !== undefined) this.fail(2, `unexpected argument ${extra}`);
    if (schedFlagsArg) {
      c.svc.flags &= ~(SVC_F.SCHED1 | SVC_F.SCHED2 | SVC_F.SCHED3);
      c.svc.flags |= this.parseSchedFlags(c.svc.sched, schedFlagsArg);
    }
    this.check(c);
    return { command: c };
  }

  /** process_options()' checks before anything is sent. */
  private check(c: Command): void {
    this.checkTable(COMMANDS_V_OPTIONS[c.cmd - 1]!, c.options, ALL_OPTS, CMD_NAMES[c.cmd - 1]!, 'command');
    const { svc, dest } = c;
    if (c.cmd === CMD.ADD || c.cmd === CMD.EDIT) {
      if (!svc.fwmark && !svc.port && !(svc.flags & SVC_F.PERSISTENT)) this.fail(2, 'Zero port specified for non-persistent service');
      if (svc.flags & SVC_F.ONEPACKET && !svc.fwmark && svc.protocol !== IPPROTO.UDP) this.fail(2, 'One-Packet Scheduling is only for UDP virtual services');
      if (!svc.sched) svc.sched = 'wlc';
    }
    if (c.cmd === CMD.STARTDAEMON && !c.daemon.ifname) c.daemon.ifname = 'eth0';
    if (c.cmd === CMD.ADDDEST || c.cmd === CMD.EDITDEST) {
      if (!svc.fwmark && (dest.fwd === FWD.TUNNEL || dest.fwd === FWD.DROUTE)) dest.port = svc.port;
      if (dest.af !== svc.af && dest.fwd !== FWD.TUNNEL) this.fail(2, 'Different address family is allowed only for tunneling servers');
      const tunnelOptions = [OPT.TUN_TYPE, OPT.TUN_PORT, OPT.TUN_NOCSUM, OPT.TUN_CSUM, OPT.TUN_REMCSUM].some((o) => has(c.options, o));
      if (tunnelOptions && dest.fwd !== FWD.TUNNEL) this.fail(2, 'Tunnel options conflict with forward method');
      this.checkTable(TUNNEL_TYPES_V_OPTIONS[dest.tunType]!, c.options, TUN_OPTS, TUN_NAMES[dest.tunType]!, 'tunnel type');
    }
  }

  /** generic_opt_check() / tunnel_opt_check(): one row of a rules table. */
  private checkTable(row: string, options: readonly number[], columns: readonly number[], what: string, kind: string): void {
    let last = 0;
    let count = 0;
    for (let j = 0; j < columns.length; j++) {
      const opt = columns[j]!;
      const rule = row[j];
      if (!options[opt]) {
        if (rule === '+') this.fail(2, `You need to supply the '${OPT_NAMES[opt]}' option for the '${what}' ${kind}`);
        continue;
      }
      if (rule === 'x') this.fail(2, `Illegal '${OPT_NAMES[opt]}' option with the '${what}' ${kind}`);
      if (rule === '1') {
        if (++count === 1) {
          last = opt;
          continue;
        }
        this.fail(2, `The option '${OPT_NAMES[opt]}' conflicts with the '${OPT_NAMES[last]}' option in the '${what}' ${kind}`);
      }
    }
  }
}

/** strncpy(dst, src, n) into a zeroed buffer: at most n bytes of the argument. */
function truncateBytes(s: string, n: number): string {
  if (s.length * 3 <= n) return s;
  const b = Buffer.from(s);
  return b.length <= n ? s : b.subarray(0, n).toString();
}

function isIPv6Multicast(a: string): boolean {
  if (a.startsWith('::')) return false;
  return parseInt(a.split(':')[0]!, 16) >> 8 === 0xff;
}

