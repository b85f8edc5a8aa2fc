// Properties of the /proc/net/ip_vs* parsers (lib/proc/): tables rendered in
// the kernel's exact formats parse back to what was rendered, in one piece or
// cut at any line boundaries; arbitrary and mutated input (the bytes recorded
// from the test kernel, truncated, with characters inserted, deleted,
// replaced) either parses or is refused with the parsers' own error
// ("unexpected ..."; IpvsError ERR_IPVS_PROTOCOL once read through a handle),
// never a TypeError/RangeError; and what is accepted is well-formed.
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IpvsError } from '../../../lib/errors';
import { ipv4FromHex, ipv6FromFull, leadingWord } from '../../../lib/proc/address';
import { BackendParser, type ProcBackend } from '../../../lib/proc/backends';
import { parseConnections } from '../../../lib/proc/connections';
import { readLines } from '../../../lib/proc/read';
import { parsePerCpuStats, parseGlobalStats } from '../../../lib/proc/stats';
import { connectionChunks, readBackends, readGlobalStats } from '../../../lib/proc/tables';
import type { Connection, CpuStats, Stats } from '../../../lib/types';
import { PROC_CONN, PROC_CONN_SYNC, PROC_IP_VS, PROC_STATS, PROC_STATS_PERCPU } from '../../fixtures/proc-files';
import { BACKEND_ERROR, dotted, fullV6, isParserError, ntop6, PROTOCOL_NAMES, statsError, strictBackends, strictConnections } from '../../fixtures/proc-reference';
import { genAddress, genV4, hex, ipv6Words, mutate, mutation, runs, splitAtLines, textOf, TIMEOUT, type GenAddress } from './support';

// ---------------------------------------------------------------------------
// The kernel's formats (ip_vs_conn_seq_show, ip_vs_info_seq_show, ip_vs_stats_show).

/** An address as /proc prints it: %08X of the host-order value, or %pI6 (full form). */
const procAddress = (a: GenAddress) => (a.family === 'inet' ? hex(a.value, 8) : fullV6(a.words));

const TCP_STATES = ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK', 'ERR!'];
const SCTP_STATES = ['NONE', 'INIT1', 'INIT', 'C-SENT', 'C-REPLIED', 'C-WAIT', 'COOKIE', 'C-ECHOED', 'ESTABLISHED', 'S-SENT', 'S-RECEIVED', 'S-ACK-SENT', 'REJECTED', 'CLOSED'];

interface GenConn {
  proto: 'TCP' | 'UDP' | 'SCTP' | 'IP';
  client: GenAddress;
  cport: number;
  vip: GenAddress;
  vport: number;
  dest: GenAddress;
  dport: number;
  state: string;
  expires: number;
  template: boolean;
  pe?: { name: string; data: string };
  origin: 'LOCAL' | 'SYNC';
}

const port = fc.integer({ min: 0, max: 65535 });
const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 0xffffffff));

/** Client and virtual addresses share the connection's family; the destination may differ (tunnels). */
const genConn: fc.Arbitrary<GenConn> = fc
  .record({
    v6: fc.boolean(),
    template: fc.boolean(),
    proto: fc.constantFrom('TCP', 'UDP', 'SCTP', 'IP') as fc.Arbitrary<GenConn['proto']>,
    c4: genV4,
    v4: genV4,
    c6: ipv6Words,
    vw6: ipv6Words,
    dest: genAddress,
    cport: fc.integer({ min: 1, max: 65535 }),
    vport: port,
    dport: port,
    stateIndex: fc.nat(),
    templateState: fc.constantFrom('NONE', 'ASSURED'),
    expires: u32,
    pe: fc.option(fc.record({ name: fc.stringMatching(/^[a-z]{1,15}$/), data: fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\n')) }), { nil: undefined }),
    origin: fc.constantFrom('LOCAL', 'SYNC') as fc.Arbitrary<'LOCAL' | 'SYNC'>,
  })
  .map((r) => {
    const v6 = (w: number[]): GenAddress => ({ family: 'inet6', words: w, text: ntop6(w) });
    // Only persistence templates of fwmark services have protocol IP.
    const template = r.template || r.proto === 'IP';
    const states = r.proto === 'UDP' ? ['UDP'] : r.proto === 'SCTP' ? SCTP_STATES : TCP_STATES;
    const c: GenConn = {
      proto: r.proto,
      client: r.v6 ? v6(r.c6) : r.c4,
      cport: template ? 0 : r.cport,
      vip: r.v6 ? v6(r.vw6) : r.v4,
      vport: r.vport,
      dest: r.dest,
      dport: r.dport,
      state: template ? r.templateState : states[r.stateIndex % states.length]!,
      expires: r.expires,
      template,
      origin: r.origin,
    };
    if (r.pe && template) c.pe = r.pe; // PE data belongs to templates (SIP Call-IDs)
    return c;
  });

/** One row; PE data goes out as the kernel's bytes (UTF-8) read back as Latin-1, as readLines() hands text out. */
function renderConn(c: GenConn, withOrigin: boolean): string {
  const head = `${c.proto.padEnd(3)} ${procAddress(c.client)} ${hex(c.cport, 4)} ${procAddress(c.vip)} ${hex(c.vport, 4)} ${procAddress(c.dest)} ${hex(c.dport, 4)} ${c.state.padEnd(11)}`;
  if (withOrigin) return `${head} ${c.origin.padEnd(6)} ${String(c.expires).padStart(7)}\n`;
  const pe = c.pe ? ` ${c.pe.name} ${Buffer.from(c.pe.data, 'utf8').toString('latin1')}` : '';
  return `${head} ${String(c.expires).padStart(7)}${pe}\n`;
}

const CONN_HEADER = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';
const CONN_SYNC_HEADER = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n';

/** What parseConnections() must make of a row, from the documented meaning of each column. */
function expectedConn(c: GenConn, withOrigin: boolean): Connection {
  const protocol = PROTOCOL_NAMES.get(c.proto)!;
  const out: Connection = {
    protocol,
    family: c.client.family,
    clientAddress: c.client.text,
    clientPort: c.cport,
    virtualAddress: c.vip.text,
    virtualPort: c.vport,
    destinationAddress: c.dest.text,
    destinationPort: c.dport,
    state: c.state === 'UDP' && protocol === 'udp' ? 'NONE' : c.state,
    expires: c.expires,
    template: c.template,
  };
  // A fwmark template keeps the mark in the first 32 bits of the virtual address.
  if (c.template && protocol === 'ip') out.fwmark = c.vip.family === 'inet' ? c.vip.value : ((c.vip.words[0]! << 16) | c.vip.words[1]!) >>> 0;
  if (withOrigin) out.origin = c.origin === 'SYNC' ? 'sync' : 'local';
  else if (c.pe) out.pe = { ...c.pe };
  return out;
}

const parseConn = (pieces: readonly string[], withOrigin: boolean, keep?: (c: Connection) => boolean) => {
  const out: Connection[] = [];
  for (const p of pieces) parseConnections(p, withOrigin, out, keep);
  return out;
};

interface GenService {
  kind: 'v4' | 'v6' | 'fwm';
  proto: 'TCP' | 'UDP' | 'SCTP';
  address: GenAddress;
  port: number;
  fwmark: number;
  scheduler: string;
  ops: boolean;
  persistent?: { timeout: number; mask: number };
  dests: Array<{ address: GenAddress; port: number; forward: string; weight: number; active: number; inactive: number }>;
}

const connCount = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: -1 }) });

const genService: fc.Arbitrary<GenService> = fc.record({
  kind: fc.constantFrom('v4', 'v6', 'fwm') as fc.Arbitrary<GenService['kind']>,
  proto: fc.constantFrom('TCP', 'UDP', 'SCTP') as fc.Arbitrary<GenService['proto']>,
  address: genAddress,
  port,
  fwmark: fc.integer({ min: 1, max: 0xffffffff }),
  scheduler: fc.stringMatching(/^[a-z]{1,15}$/),
  ops: fc.boolean(),
  persistent: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 267840000 }), mask: u32 }), { nil: undefined }),
  dests: fc.array(
    fc.record({ address: genAddress, port, forward: fc.constantFrom('Masq', 'Local', 'Tunnel', 'Route'), weight: fc.integer({ min: 0, max: 2 ** 31 - 1 }), active: connCount, inactive: connCount }),
    { maxLength: 4 },
  ),
});

const IP_VS_HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';

/** A service's address as the service is rendered: by its kind, not by the generated address's family. */
function serviceAddress(s: GenService): GenAddress {
  if (s.kind === 'v4') return s.address.family === 'inet' ? s.address : { family: 'inet', value: 0x0a000001, text: '10.0.0.1' };
  return s.address.family === 'inet6' ? s.address : { family: 'inet6', words: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], text: '2001:db8::1' };
}

function renderService(s: GenService): string {
  const a = serviceAddress(s);
  const flags = (s.kind !== 'v6' && s.ops ? 'ops ' : '') + (s.persistent ? `persistent ${s.persistent.timeout} ${hex(s.persistent.mask, 8)}` : '');
  const head =
    s.kind === 'fwm' ? `FWM  ${hex(s.fwmark, 8)} ${s.scheduler} ` : s.kind === 'v4' ? `${s.proto}  ${hex((a as { value: number }).value, 8)}:${hex(s.port, 4)} ${s.scheduler} ` : `${s.proto}  [${fullV6((a as { words: number[] }).words)}]:${hex(s.port, 4)} ${s.scheduler} `;
  let out = `${head}${flags}\n`;
  for (const d of s.dests) {
    const addr = d.address.family === 'inet' ? hex(d.address.value, 8) : `[${fullV6(d.address.words)}]`;
    out += `  -> ${addr}:${hex(d.port, 4)}      ${d.forward.padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.active).padEnd(10)} ${String(d.inactive).padEnd(10)}\n`;
  }
  return out;
}

function expectedBackends(services: readonly GenService[]): ProcBackend[] {
  return services.flatMap((s) =>
    s.dests.map((d) => ({
      protocol: s.kind === 'fwm' ? 'FWM' : s.proto,
      serviceAddress: s.kind === 'fwm' ? '' : serviceAddress(s).text,
      servicePort: s.kind === 'fwm' ? 0 : s.port,
      fwmark: s.kind === 'fwm' ? s.fwmark : 0,
      address: d.address.text,
      port: d.port,
      weight: d.weight,
      activeConnections: d.active,
      inactiveConnections: d.inactive,
    })),
  );
}

const feedAll = (pieces: readonly string[]) => {
  const p = new BackendParser();
  for (const piece of pieces) p.feed(piece);
  return p.out;
};

const u64 = fc.oneof(fc.bigUintN(64), fc.bigUintN(12), fc.constantFrom(0n, 2n ** 64n - 1n));
const counters = fc.tuple(u64, u64, u64, u64, u64);
const X = (v: bigint, w: number) => v.toString(16).toUpperCase().padStart(w, ' ');
const statsRow = (v: readonly bigint[]) => `${X(v[0]!, 8)} ${X(v[1]!, 8)} ${X(v[2]!, 8)} ${X(v[3]!, 16)} ${X(v[4]!, 16)}`;

function renderGlobalStats(total: readonly bigint[], rate: readonly bigint[]): string {
  return (
    '   Total Incoming Outgoing         Incoming         Outgoing\n' +
    '   Conns  Packets  Packets            Bytes            Bytes\n' +
    `${statsRow(total)}\n\n` +
    ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n' +
    `${statsRow(rate)}\n`
  );
}

function renderPerCpu(cpus: ReadonlyArray<readonly bigint[]>, total: readonly bigint[], rate: readonly bigint[]): string {
  let out = '       Total Incoming Outgoing         Incoming         Outgoing\nCPU    Conns  Packets  Packets            Bytes            Bytes\n';
  cpus.forEach((v, i) => (out += `${i.toString(16).toUpperCase().padStart(3)} ${statsRow(v)}\n`));
  out += `  ~ ${statsRow(total)}\n\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n    ${statsRow(rate)}\n`;
  return out;
}

const totals = (v: readonly bigint[]) => ({ connections: v[0]!, inPackets: v[1]!, outPackets: v[2]!, inBytes: v[3]!, outBytes: v[4]! });

// ---------------------------------------------------------------------------
// What a parser may throw, and what it may return.

/** The parsers' refusals: a plain Error saying what was unexpected (tables.ts makes it ERR_IPVS_PROTOCOL). */
function expectParserError(e: unknown, pattern: RegExp): void {
  if (!isParserError(e, pattern)) throw new Error(`untyped failure or unexpected message: ${String(e)}`, { cause: e });
}

/** A parse's outcome, comparable: the rows, or that it was refused. */
function outcome<T>(fn: () => T): { rows: T } | { refused: true } {
  try {
    return { rows: fn() };
  } catch {
    return { refused: true };
  }
}

/** Latin-1 text of the bytes (what readLines() hands the parsers). */
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

// Arbitrary input: random text over the parsers' own alphabet (more likely to get far), full Unicode, raw bytes.
const anyText = fc.oneof(
  textOf('0123456789ABCDEFabcdef :[]->\n~xTCPUDFWMIS', 300),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map(latin1),
);

describe('/proc addresses', () => {
  it('ipv4FromHex: %08X of any 32-bit value reads back as its dotted quad', () => {
    fc.assert(
      fc.property(u32, (v) => {
        expect(ipv4FromHex(hex(v, 8))).toBe(dotted(v));
        expect(ipv4FromHex(hex(v, 8).toLowerCase())).toBe(dotted(v));
      }),
      runs(700),
    );
  });

  it("ipv6FromFull: the full form of any address compresses to inet_ntop's form (Node's), and leadingWord is its first 32 bits", () => {
    fc.assert(
      fc.property(ipv6Words, (w) => {
        const full = fullV6(w);
        expect(ipv6FromFull(full)).toBe(ntop6(w));
        expect(leadingWord(full)).toBe(((w[0]! << 16) | w[1]!) >>> 0);
      }),
      runs(700),
    );
  });
});

describe('/proc/net/ip_vs_conn and ip_vs_conn_sync', () => {
  it('parse(render(rows)) is the rows, for one piece and for pieces cut at any line boundaries, with or without a filter', () => {
    fc.assert(
      fc.property(fc.array(genConn, { maxLength: 25 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 0, max: 3 }), (conns, withOrigin, cuts, mod) => {
        const text = (withOrigin ? CONN_SYNC_HEADER : CONN_HEADER) + conns.map((c) => renderConn(c, withOrigin)).join('');
        const expected = conns.map((c) => expectedConn(c, withOrigin));
        expect(parseConn([text], withOrigin)).toEqual(expected);
        expect(parseConn(splitAtLines(text, cuts), withOrigin)).toEqual(expected);
        const keep = (c: Connection) => (c.clientPort + c.expires) % 4 !== mod;
        expect(parseConn(splitAtLines(text, cuts), withOrigin, keep)).toEqual(expected.filter(keep));
      }),
      runs(300),
    );
  });

  it('never throws, on arbitrary text or on the recorded file mutated', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => mutate(PROC_CONN, m))), fc.boolean(), (text, withOrigin) => {
        const out: Connection[] = [];
        parseConnections(text, withOrigin, out); // a throw fails the property
        for (const c of out) expect(Object.keys(c)).toEqual(expect.arrayContaining(['protocol', 'family', 'clientAddress', 'clientPort', 'state', 'expires', 'template']));
      }),
      runs(700),
    );
  });

  // FAILS (bug in lib/proc/connections.ts): only the ports and the expiry of
  // a row are checked ("not hex or decimal where numbers belong: not a row");
  // address fields are not, so a damaged line becomes a row with an address
  // the line does not hold, and a port wider than 16 bits is taken.
  // Minimal counterexamples fast-check found (also run first as examples):
  //   '\0 \0 0 \0 0 \0 0 \0 0'  -> a row, every address 'NaN:NaN:NaN:NaN:NaN:NaN:NaN:NaN'
  //   a recorded row with one digit of the client address deleted:
  //   'TCP C633640 C7F2 C6336401 0050 CB007103 1F90 TIME_WAIT 119'
  //       -> family 'inet6', clientAddress 'c633:40:NaN:NaN:NaN:NaN:NaN:NaN'
  //   'TCP ZZZZZZZZ C7F2 ...' -> clientAddress '0.0.0.0'; 'TCP C6336402 C7F21 ...' -> clientPort 818977
  it('accepts exactly the rows a strict reading of the kernel format accepts, with the same values', () => {
    const damaged = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => mutate(PROC_CONN, m));
    fc.assert(
      fc.property(fc.oneof(damaged, anyText), fc.boolean(), (text, withOrigin) => {
        expect(parseConn([text], withOrigin)).toEqual(strictConnections(text, withOrigin));
      }),
      {
        ...runs(700),
        examples: [
          ['\0 \0 0 \0 0 \0 0 \0 0', false],
          ['TCP C633640 C7F2 C6336401 0050 CB007103 1F90 TIME_WAIT       119\n', false],
          ['TCP ZZZZZZZZ C7F2 C6336401 0050 CB007103 1F90 TIME_WAIT       119\n', false],
          ['TCP C6336402 C7F21 C6336401 0050 CB007103 1F90 TIME_WAIT       119\n', false],
        ] as Array<[string, boolean]>,
      },
    );
  });

  it('the strict reading (the reference above) agrees with the parser on every row the kernel can print', () => {
    fc.assert(
      fc.property(fc.array(genConn, { maxLength: 10 }), fc.boolean(), (conns, withOrigin) => {
        const text = (withOrigin ? CONN_SYNC_HEADER : CONN_HEADER) + conns.map((c) => renderConn(c, withOrigin)).join('');
        expect(strictConnections(text, withOrigin)).toEqual(parseConn([text], withOrigin));
      }),
      runs(200),
    );
  });
});

describe('/proc/net/ip_vs', () => {
  it('parse(render(table)) is one row per destination, for one piece and for pieces cut at any line boundaries', () => {
    fc.assert(
      fc.property(fc.array(genService, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (services, cuts) => {
        const text = IP_VS_HEADER + services.map(renderService).join('');
        const expected = expectedBackends(services);
        expect(feedAll([text])).toEqual(expected);
        expect(feedAll(splitAtLines(text, cuts))).toEqual(expected);
      }),
      runs(400),
    );
  });

  it('arbitrary or mutated input parses or is refused with "unexpected ... in /proc/net/ip_vs", never another error', () => {
    const damaged = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => mutate(PROC_IP_VS, m));
    fc.assert(
      fc.property(fc.oneof(damaged, anyText), fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
        let whole: ProcBackend[] | undefined;
        try {
          whole = feedAll([text]);
        } catch (e) {
          expectParserError(e, BACKEND_ERROR);
        }
        // Cut at line boundaries: the same rows, or a refusal too.
        let pieces: ProcBackend[] | undefined;
        try {
          pieces = feedAll(splitAtLines(text, cuts));
        } catch (e) {
          expectParserError(e, BACKEND_ERROR);
        }
        expect(pieces).toEqual(whole);
      }),
      runs(700),
    );
  });

  // FAILS (bug in lib/proc/backends.ts): endpoint() checks the hex digits of
  // an IPv4 address but only the length and brackets of an IPv6 one, so a
  // damaged IPv6 address is read as another address, or with 'NaN' groups,
  // where a damaged IPv4 one is refused. Minimal counterexamples (the first
  // as fast-check shrinks it: any 39 characters in brackets are taken as an
  // IPv6 address; here no row follows, so the result is [] where the strict
  // reading refuses the line):
  //   '\0 [' + '\0'.repeat(39) + ']:0000'
  //   'TCP  [2001:0db8:0000:0000:0000:0000:0000:000z]:0050 lc\n  -> 7F000001:1F90 Masq 1 0 0\n'
  //     -> serviceAddress '2001:db8::' (the group '000z' read as 0), where '0A00000z:0050' is refused
  //   the recorded file with one '0' of '[2001:0db8:...:0000:0005]' replaced by ']'
  //     -> address '2001:db8::NaN:5'
  it('accepts exactly what a strict reading of the kernel format accepts, with the same rows', () => {
    const damaged = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => mutate(PROC_IP_VS, m));
    fc.assert(
      fc.property(fc.oneof(damaged, anyText), (text) => {
        expect(outcome(() => feedAll([text]))).toEqual(outcome(() => strictBackends(text)));
      }),
      {
        ...runs(700),
        examples: [
          ['TCP  [2001:0db8:0000:0000:0000:0000:0000:000z]:0050 lc\n  -> 7F000001:1F90      Masq    1      0          0\n'],
          ['FWM  00000007 wlc \n  -> [2001:0db8:0000:0000:0000:0000:]000:0005]:0000      Masq    1      0          0         \n'],
        ] as Array<[string]>,
      },
    );
  });

  it('the strict reading agrees with the parser on every table the kernel can print', () => {
    fc.assert(
      fc.property(fc.array(genService, { maxLength: 6 }), (services) => {
        const text = IP_VS_HEADER + services.map(renderService).join('');
        expect(strictBackends(text)).toEqual(feedAll([text]));
      }),
      runs(200),
    );
  });
});

describe('/proc/net/ip_vs_stats and ip_vs_stats_percpu', () => {
  it('parse(render(stats)) is the stats: 64-bit counters exact, rates as numbers', () => {
    fc.assert(
      fc.property(counters, counters, fc.array(counters, { minLength: 1, maxLength: 40 }), (total, rate, cpus) => {
        const rates = rate.map(Number);
        const expected: Stats = { ...totals(total), cps: rates[0]!, inPps: rates[1]!, outPps: rates[2]!, inBps: rates[3]!, outBps: rates[4]! };
        expect(parseGlobalStats(renderGlobalStats(total, rate))).toEqual(expected);
        const perCpu: CpuStats[] = cpus.map((v, cpu) => ({ cpu, ...totals(v) }));
        expect(parsePerCpuStats(renderPerCpu(cpus, total, rate))).toEqual(perCpu);
      }),
      runs(400),
    );
  });

  // FAILS (bug in lib/proc/stats.ts): numericRows() lets '~' stand first in
  // a row of any length (for the per-CPU total row), so parseGlobalStats()
  // takes a 5-field "~" row as a counter row and BigInt('0x~') throws a
  // SyntaxError instead of "unexpected format of /proc/net/ip_vs_stats".
  // Found by fast-check (seed 1354154938, FC_RUNS_SCALE=10) as the recorded
  // per-CPU file with one counter of the "~" row deleted; minimal form:
  //   parseGlobalStats('~ 0 0 0 0\n0 0 0 0 0\n') -> SyntaxError: Cannot convert 0x~ to a BigInt
  // (readGlobalStats() still rejects with IpvsError ERR_IPVS_PROTOCOL, as
  // parsed() in tables.ts wraps whatever the parser throws, with this message.)
  it('arbitrary or mutated input parses or is refused with "unexpected format of /proc/net/<file>", never another error', () => {
    const damaged = fc.oneof(
      fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => mutate(PROC_STATS, m)),
      fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => mutate(PROC_STATS_PERCPU, m)),
    );
    fc.assert(
      fc.property(fc.oneof(damaged, anyText), (text) => {
        for (const [parse, file] of [[parseGlobalStats, 'ip_vs_stats'], [parsePerCpuStats, 'ip_vs_stats_percpu']] as const) {
          try {
            const r = parse(text);
            // What is accepted holds 64-bit counters.
            for (const s of Array.isArray(r) ? r : [r]) for (const k of ['connections', 'inPackets', 'outPackets', 'inBytes', 'outBytes'] as const) expect(typeof s[k]).toBe('bigint');
          } catch (e) {
            expectParserError(e, statsError(file));
          }
        }
      }),
      { ...runs(700), examples: [['~ 0 0 0 0\n0 0 0 0 0\n']] as Array<[string]> },
    );
  });
});

describe('reading through a handle (temporary files as the /proc files, the addon reading them)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ipvs-prop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** A ProcOpener over files holding `contents` (by /proc file name). */
  const opener = (contents: Record<string, Uint8Array | string>) => {
    const paths: Record<string, string> = {};
    for (const [file, bytes] of Object.entries(contents)) {
      paths[file] = join(dir, `${file}-${n++}`);
      writeFileSync(paths[file], bytes);
    }
    return async (_operation: string, file: string) => openSync(paths[file]!, 'r');
  };
  const bytesOf = (text: string) => Buffer.from(text, 'latin1');
  const damagedBytes = (recorded: string) =>
    fc.oneof(
      fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => bytesOf(mutate(recorded, m))),
      fc.uint8Array({ maxLength: 400 }),
      fc.constant(new Uint8Array(0)),
    );
  const protocolError = (e: unknown, operation: string) => {
    expect(e).toBeInstanceOf(IpvsError);
    expect(e).toMatchObject({ code: 'ERR_IPVS_PROTOCOL', operation });
  };

  it('readLines(): any bytes, any chunk size: pieces of whole lines that join to the Latin-1 text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 1500 }), fc.array(fc.constantFrom(10, 32, 65, 0xc3, 0xa9), { maxLength: 1500 }).map((a) => Uint8Array.from(a))), fc.integer({ min: 1, max: 300 }), async (bytes, chunk) => {
        const file = join(dir, `lines-${n++}`);
        writeFileSync(file, bytes);
        const pieces: string[] = [];
        for await (const p of readLines(openSync(file, 'r'), chunk)) pieces.push(p);
        rmSync(file);
        expect(pieces.join('')).toBe(latin1(bytes));
        expect(pieces.every((p) => p.length > 0)).toBe(true);
        expect(pieces.slice(0, -1).every((p) => p.endsWith('\n'))).toBe(true);
      }),
      runs(60),
    );
  }, TIMEOUT);

  it('readBackends()/readGlobalStats(): resolve, or reject with IpvsError ERR_IPVS_PROTOCOL; connectionChunks() never rejects', async () => {
    await fc.assert(
      fc.asyncProperty(damagedBytes(PROC_IP_VS), damagedBytes(PROC_STATS), damagedBytes(PROC_STATS_PERCPU), damagedBytes(PROC_CONN), fc.boolean(), async (ipVs, stats, perCpu, conn, sync) => {
        const open = opener({ ip_vs: ipVs, ip_vs_stats: stats, ip_vs_stats_percpu: perCpu, ip_vs_conn: conn, ip_vs_conn_sync: conn });
        await readBackends(open, 'backends').then(
          (rows) => expect(Array.isArray(rows)).toBe(true),
          (e) => protocolError(e, 'backends'),
        );
        await readGlobalStats(open).then(
          (g) => expect(typeof g.connections).toBe('bigint'),
          (e) => protocolError(e, 'globalStats'),
        );
        let rows = 0;
        for await (const chunk of connectionChunks(open, 'connections', sync ? { withOrigin: true } : undefined, () => [])) rows += chunk.length;
        expect(rows).toBeGreaterThanOrEqual(0);
      }),
      runs(40),
    );
  }, TIMEOUT);

  it('the recorded files read through a handle give what the parsers give', async () => {
    const open = opener({ ip_vs: PROC_IP_VS, ip_vs_stats: PROC_STATS, ip_vs_stats_percpu: PROC_STATS_PERCPU, ip_vs_conn: PROC_CONN, ip_vs_conn_sync: PROC_CONN_SYNC });
    expect(await readBackends(open, 'backends')).toEqual(feedAll([PROC_IP_VS]));
    expect(await readGlobalStats(open)).toEqual({ ...parseGlobalStats(PROC_STATS), perCpu: parsePerCpuStats(PROC_STATS_PERCPU) });
    const rows: Connection[] = [];
    for await (const chunk of connectionChunks(open, 'connections', { withOrigin: true }, () => rows)) expect(chunk).toBe(rows);
    expect(rows).toEqual(parseConn([PROC_CONN_SYNC], true));
    expect(rows.map((r) => r.origin)).toEqual(['sync', 'local']);
  });
});
