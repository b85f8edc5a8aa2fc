// Properties of ipvsadm-js's command-line parsing (examples/ipvsadm/):
// any argument vector gives a checked command, a popt error already
// reported, or ipvsadm's exit (usage error, status 2 or 255 with a message;
// -h/-v, status 0) - never another exception; a command it accepts converts
// to arguments the package accepts or refuses with its typed argument error;
// well-formed commands parse to the fields ipvsadm gives them, whatever
// order their options come in and however their arguments are attached;
// the C conversions agree with references built from their definitions.
// Host names are never looked up (a resolver that knows none).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inetAton, ipv4ToString, stringToNumber } from '../../../examples/ipvsadm/c-parse';
import { AF_INET, AF_INET6, CommandParser, FWD, type Command, type Parsed } from '../../../examples/ipvsadm/command';
import type { Resolver } from '../../../examples/ipvsadm/names';
import { CMD, OPTION_TABLE } from '../../../examples/ipvsadm/options';
import { Exit, BufferedOutput } from '../../../examples/ipvsadm/output';
import { Popt } from '../../../examples/ipvsadm/popt';
import { restoreLines } from '../../../examples/ipvsadm/restore';
import { destinationSpec, serviceKey, serviceSpec } from '../../../examples/ipvsadm/to-api';
import { checkDestinationSpec } from '../../../lib/validate/destination';
import { checkServiceKey, checkServiceSpec } from '../../../lib/validate/service';
import { attempt, dotted, expectArgumentError, runs, v6Spelling } from './support';

/** No names: every lookup fails, as for a host name that does not resolve. */
const noNames = { hostToAddress: async () => undefined, addressToHost: async () => undefined } as unknown as Resolver;

type Outcome = { parsed: Parsed; out: BufferedOutput } | { exit: number; out: BufferedOutput };

async function parse(args: readonly string[]): Promise<Outcome> {
  const out = new BufferedOutput();
  try {
    return { parsed: await new CommandParser(out, noNames, 'ipvsadm').parse(['ipvsadm', ...args]), out };
  } catch (e) {
    if (e instanceof Exit) return { exit: e.status, out };
    throw e; // anything else fails the property
  }
}

async function command(args: readonly string[]): Promise<Command> {
  const r = await parse(args);
  if (!('parsed' in r) || !('command' in r.parsed)) throw new Error(`refused ${JSON.stringify(args)}: ${r.out.stderr}`);
  return r.parsed.command;
}

// ---------------------------------------------------------------------------
// Words of a command line.

const SHORT = OPTION_TABLE.filter((o) => o.short).map((o) => `-${o.short}`);
const LONG = OPTION_TABLE.filter((o) => o.long).map((o) => `--${o.long}`);
const v4 = fc.integer({ min: 0, max: 0xffffffff }).map(dotted);
const port = fc.integer({ min: 0, max: 65535 });
const value = fc.oneof(
  v4,
  fc.tuple(v4, port).map(([a, p]) => `${a}:${p}`),
  fc.tuple(v6Spelling, port).map(([a, p]) => `[${a.text}]:${p}`),
  v6Spelling.map((a) => a.text),
  fc.integer({ min: -5, max: 70000 }).map(String),
  fc.constantFrom('rr', 'wlc', 'sh', 'mh', 'sip', 'master', 'backup', 'eth0', 'gue', 'gre', 'ipip', 'flag-1,flag-2', 'sh-port', '255.255.255.0', '64', '0x7f.1', 'http', 'ff02::1', '224.0.0.81', 'tcp', ''),
  fc.string({ maxLength: 12 }),
);
const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SHORT, ...LONG) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LONG), value).map(([o, v]) => `${o}=${v}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SHORT), value).map(([o, v]) => `${o}${v}`) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...SHORT.map((s) => s[1]!)), { minLength: 2, maxLength: 4 }).map((c) => `-${c.join('')}`) },
  { weight: 4, arbitrary: value },
  { weight: 1, arbitrary: fc.constantFrom('--', '-', '-q', '--bogus', '-L=1', '--nosort=1') },
);
/** Mostly lines that start with a command, so that parsing gets past the first option. */
const argv = fc.oneof(
  fc.array(word, { maxLength: 10 }),
  fc.tuple(fc.constantFrom('-A', '-E', '-D', '-a', '-e', '-d', '-L', '-l', '-Z', '-C', '-S', '-R', '--set', '--start-daemon', '--stop-daemon', '-h', '-v'), fc.array(word, { maxLength: 10 })).map(([c, rest]) => [c, ...rest]),
);

/** The package's verdict on the arguments a command becomes (the session passes exactly these). */
function checkApiArguments(c: Command): void {
  const apiCall = (fn: () => unknown, top: string) => {
    const r = attempt(fn);
    if (!r.ok) expectArgumentError(r.error, top);
  };
  if (c.cmd === CMD.ADD || c.cmd === CMD.EDIT) apiCall(() => checkServiceSpec(serviceSpec(c.svc)), 'service');
  if ([CMD.DEL, CMD.ADDDEST, CMD.EDITDEST, CMD.DELDEST].includes(c.cmd as never) || (c.cmd === CMD.ZERO && c.options[2])) apiCall(() => checkServiceKey(serviceKey(c.svc)), 'service');
  if (c.cmd === CMD.ADDDEST || c.cmd === CMD.EDITDEST) {
    const family = c.svc.fwmark ? (c.svc.af === AF_INET6 ? 'inet6' : 'inet') : c.svc.addr.includes(':') ? 'inet6' : 'inet';
    apiCall(() => checkDestinationSpec(destinationSpec(c.dest), family), 'destination');
  }
}

describe('any argument vector', () => {
  it('gives a command, a reported popt error, or an exit with a message; accepted commands become arguments the package takes or refuses with its typed error', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const r = await parse(args);
        if ('exit' in r) {
          expect([0, 2, 255]).toContain(r.exit);
          if (r.exit === 0) {
            // -h and -v: on stdout.
            expect(r.out.stdout).toMatch(/^ipvsadm v1\.31 /);
            expect(r.out.stderr).toBe('');
          } else {
            expect(r.out.stderr).toMatch(/\n$/);
            expect(r.out.stdout).toBe('');
          }
          return;
        }
        if ('poptError' in r.parsed) {
          expect(r.out.stderr).toMatch(/: (missing argument|unknown option|option does not take an argument)\n$/);
          return;
        }
        const c = r.parsed.command;
        expect(c.cmd >= 1 && c.cmd <= 14).toBe(true);
        expect(c.options.every((o) => o === 0 || o === 1)).toBe(true);
        expect(r.out.stderr).toBe('');
        checkApiArguments(c);
      }),
      runs(700),
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------
// Well-formed commands.

/** An IPv4 address as inet_aton() takes it: dotted, hex, octal or short forms. */
const atonSpelling = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom(8, 10, 16), { minLength: 4, maxLength: 4 })).map(([v, parts, radix]) => {
  const bytes = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  // The last part holds the remaining bytes.
  const values = parts === 4 ? bytes : [...bytes.slice(0, parts - 1), bytes.slice(parts - 1).reduce((a, b) => a * 256 + b, 0)];
  const text = values.map((n, i) => (radix[i] === 16 ? `0x${n.toString(16)}` : radix[i] === 8 ? `0${n.toString(8)}` : String(n))).join('.');
  return { value: v, text };
});

const protocolOption = fc.constantFrom(['-t', 6], ['-u', 17], ['--tcp-service', 6], ['--udp-service', 17], ['--sctp-service', 132]) as fc.Arbitrary<[string, number]>;
const virtualAddress = fc.oneof(
  // All digits is never an address to ipvsadm (str_is_digit(): "10" could be a fwmark).
  atonSpelling.filter((a) => !/^[0-9]*$/.test(a.text)).map((a) => ({ af: AF_INET, text: a.text, addr: ipv4ToString(a.value) })),
  v6Spelling.map((a) => ({ af: AF_INET6, text: `[${a.text}]`, addr: a.text })),
);

/** -A/-E with a virtual service and its options, and what ipvsadm fills in. */
const addService = fc
  .record({
    cmd: fc.constantFrom(['-A', CMD.ADD], ['--add-service', CMD.ADD], ['-E', CMD.EDIT]) as fc.Arbitrary<[string, number]>,
    proto: protocolOption,
    vip: virtualAddress,
    port: fc.integer({ min: 1, max: 65535 }),
    scheduler: fc.option(fc.constantFrom('rr', 'wrr', 'sh', 'mh', 'twos'), { nil: undefined }),
    persistent: fc.option(fc.option(fc.integer({ min: 1, max: 2678400 }), { nil: undefined }), { nil: null }),
    pe: fc.option(fc.constantFrom('sip'), { nil: undefined }),
  })
  .map((r) => {
    const options: string[][] = [[r.proto[0], `${r.vip.text}:${r.port}`]];
    if (r.scheduler) options.push(['-s', r.scheduler]);
    if (r.persistent !== null) options.push(r.persistent === undefined ? ['-p'] : ['-p', String(r.persistent)]);
    if (r.pe) options.push(['--pe', r.pe]);
    const persistent = r.persistent !== null;
    return {
      cmd: r.cmd,
      options,
      svc: { af: r.vip.af, protocol: r.proto[1], addr: r.vip.addr, port: r.port, fwmark: 0, sched: r.scheduler ?? 'wlc', flags: persistent ? 1 : 0, timeout: persistent ? (r.persistent ?? 360) : 0, netmask: r.vip.af === AF_INET6 ? 128 : 0xffffffff, pe: r.pe ?? '' },
    };
  });

/** -a/-e: a real server of an address service, and what ipvsadm fills in. */
const addServer = fc
  .record({
    cmd: fc.constantFrom(['-a', CMD.ADDDEST], ['-e', CMD.EDITDEST]) as fc.Arbitrary<[string, number]>,
    proto: protocolOption,
    vip: virtualAddress,
    vport: fc.integer({ min: 1, max: 65535 }),
    rip: virtualAddress,
    rport: fc.option(port, { nil: undefined }),
    fwd: fc.option(fc.constantFrom(['-g', FWD.DROUTE], ['-m', FWD.MASQ], ['-i', FWD.TUNNEL], ['--masquerading', FWD.MASQ]) as fc.Arbitrary<[string, number]>, { nil: undefined }),
    weight: fc.option(fc.integer({ min: 0, max: 2147483647 }), { nil: undefined }),
    thresholds: fc.option(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { nil: undefined }),
  })
  .map((r) => {
    const fwd = r.fwd?.[1] ?? FWD.DROUTE;
    // Another family than the service's only for tunnels.
    const rip = r.rip.af === r.vip.af || fwd === FWD.TUNNEL ? r.rip : r.vip;
    const [upper, lower] = r.thresholds ? [Math.max(...r.thresholds), Math.min(...r.thresholds)] : [0, 0];
    const options: string[][] = [[r.proto[0], `${r.vip.text}:${r.vport}`], ['-r', r.rport === undefined ? rip.text.replace(/^\[(.*)\]$/, '$1') : `${rip.text}:${r.rport}`]];
    if (r.fwd) options.push([r.fwd[0]]);
    if (r.weight !== undefined) options.push(['-w', String(r.weight)]);
    if (r.thresholds) options.push(['-x', String(upper)], ['-y', String(lower)]);
    // Direct routing and tunnels keep the service's port; NAT the server's own.
    const dport = fwd === FWD.DROUTE || fwd === FWD.TUNNEL || r.rport === undefined ? r.vport : r.rport;
    return { cmd: r.cmd, options, vip: r.vip, vport: r.vport, protocol: r.proto[1], dest: { af: rip.af, addr: rip.addr, port: dport, fwd, weight: r.weight ?? 1, upper, lower, tunType: 0, tunPort: 0, tunFlags: 0 } };
  });

describe('well-formed commands', () => {
  it('-A/-E: the service ipvsadm makes of it, whatever the order of the options, and the package takes it as that service', async () => {
    await fc.assert(
      fc.asyncProperty(addService, fc.infiniteStream(fc.nat()), async (g, order) => {
        const shuffled = [...g.options].sort(() => (order.next().value % 3) - 1);
        for (const options of [g.options, shuffled]) {
          const c = await command([g.cmd[0], ...options.flat()]);
          expect(c.cmd).toBe(g.cmd[1]);
          expect(c.svc).toEqual(g.svc);
          const { raw } = checkServiceSpec(serviceSpec(c.svc));
          expect(raw).toMatchObject({ family: g.svc.af, protocol: g.svc.protocol, address: g.svc.addr, port: g.svc.port, scheduler: g.svc.sched, flags: g.svc.flags, timeout: g.svc.timeout, pe: g.svc.pe });
        }
      }),
      runs(300),
    );
  });

  it('-a/-e: the real server ipvsadm makes of it, whatever the order of the options after the service, and the package takes it', async () => {
    await fc.assert(
      fc.asyncProperty(addServer, fc.infiniteStream(fc.nat()), async (g, order) => {
        // The service first: "-r address" without a port takes the service's port as parsed so far (as in ipvsadm.c).
        const shuffled = [g.options[0]!, ...g.options.slice(1).sort(() => (order.next().value % 3) - 1)];
        for (const options of [g.options, shuffled]) {
          const c = await command([g.cmd[0], ...options.flat()]);
          expect(c.cmd).toBe(g.cmd[1]);
          expect(c.dest).toEqual(g.dest);
          expect(c.svc).toMatchObject({ af: g.vip.af, addr: g.vip.addr, port: g.vport, protocol: g.protocol });
          const { raw } = checkDestinationSpec(destinationSpec(c.dest), g.vip.af === AF_INET6 ? 'inet6' : 'inet');
          expect(raw).toMatchObject({ family: g.dest.af, address: g.dest.addr, port: g.dest.port, forwarding: g.dest.fwd, weight: g.dest.weight, upperThreshold: g.dest.upper, lowerThreshold: g.dest.lower });
        }
      }),
      runs(300),
    );
  });

  it("an option's argument reads the same attached (-tX, --tcp-service=X) or as the next word", async () => {
    const stringOptions = OPTION_TABLE.filter((o) => o.arg === 'string');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...stringOptions), fc.string({ maxLength: 10 }).filter((s) => !s.startsWith('=')), (o, v) => {
        const forms: string[][] = [];
        if (o.long) forms.push([`--${o.long}=${v}`], [`--${o.long}`, v]);
        if (o.short) forms.push([`-${o.short}${v}`].filter(() => v !== ''), [`-${o.short}`, v], [`-${o.short}=${v}`]);
        const seen = forms.filter((f) => f.length > 0).map((f) => new Popt(['ipvsadm', ...f], OPTION_TABLE).nextOption());
        for (const s of seen) expect(s).toEqual({ tag: o.tag, arg: v });
        return Promise.resolve();
      }),
      runs(500),
    );
  });

  it('words that are not options are leftovers, in order, wherever they stand; "--" makes the rest leftovers', () => {
    const plain = fc.string({ maxLength: 6 }).filter((s) => !s.startsWith('-') || s === '-');
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, fc.constantFrom('-L', '-n', '--nosort', '--stats')), { maxLength: 10 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }), (words, after) => {
        const p = new Popt(['ipvsadm', ...words, '--', ...after], OPTION_TABLE);
        const tags: string[] = [];
        for (let r = p.nextOption(); typeof r !== 'number'; r = p.nextOption()) tags.push(r.tag);
        const left: string[] = [];
        for (let a = p.getArg(); a !== undefined; a = p.getArg()) left.push(a);
        expect(left).toEqual([...words.filter((w) => !w.startsWith('-') || w === '-'), ...after]);
        expect(tags).toEqual(words.filter((w) => w.startsWith('-') && w !== '-').map((w) => w.replace(/^--?/, '').replace(/^nosort$/, 'nosort')));
      }),
      runs(500),
    );
  });
});

describe('C conversions', () => {
  it("inet_aton(): every dotted, hex, octal and short spelling of an address gives that address", () => {
    fc.assert(
      fc.property(atonSpelling, fc.constantFrom('', ' ', '\t', ' junk', '\n'), ({ value, text }, tail) => {
        expect(inetAton(text + tail)).toBe(value); // glibc stops at a blank
        expect(ipv4ToString(value)).toBe(dotted(value));
      }),
      runs(700),
    );
  });

  it('inet_aton(): anything but a blank or the end after an address is refused', () => {
    fc.assert(
      fc.property(atonSpelling, fc.constantFrom('x', '.', '..1', ':80', '-', '/24'), ({ text }, tail) => {
        expect(inetAton(text + tail)).toBeNull();
      }),
      runs(300),
    );
  });

  it("string_to_number(): strtol's reading (blanks, a sign, decimal digits, all of the string, no overflow) within [min, max], else -1", () => {
    const text = fc.oneof(
      fc.integer({ min: -100000, max: 3000000000 }).map(String),
      fc.tuple(fc.constantFrom('', ' ', '\t', '\n ', '+', '-', ' +', ' -'), fc.stringMatching(/^[0-9]{0,25}$/), fc.constantFrom('', '', '', ' ', 'x', '.5', 'e3')).map((p) => p.join('')),
      fc.string({ maxLength: 8 }),
    );
    const range = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 2147483647 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(text, range, (s, [min, max]) => {
        const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(s);
        const v = m ? BigInt(m[1]!) : undefined;
        const expected = v !== undefined && v >= BigInt(min) && v <= BigInt(max) ? Number(v) : -1;
        expect(stringToNumber(s, min, max)).toBe(expected === 0 ? 0 : expected);
      }),
      runs(700),
    );
  });
});

describe('-R input', () => {
  it('each line gives its blank-separated words, the word "ipvsadm" left out, after the program name', () => {
    const w = fc.stringMatching(/^[^\s]{1,8}$/).filter((s) => !s.includes('\n'));
    const blanks = fc.array(fc.constantFrom(' ', '\t', '\r'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(fc.oneof(w, fc.constant('ipvsadm')), { maxLength: 6 }), blanks, fc.boolean()), { maxLength: 8 }), (lines) => {
        const text = lines.map(([words, sep, lead]) => `${lead ? sep : ''}${words.join(sep)}\n`).join('');
        const got = [...restoreLines(text, 'prog')];
        expect(got).toEqual(lines.map(([words]) => ['prog', ...words.filter((x) => x !== 'ipvsadm')]));
      }),
      runs(500),
    );
  });
});
