// The /proc parsers, on bytes recorded from the test kernel (7.2) and on
// rows made in its exact format; and a million rows read without ever
// holding up the event loop for more than one chunk.
import { openSync, rmSync, writeFileSync } from 'node:fs';
import { SocketAddress } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipv4FromHex, ipv6FromFull } from '../../lib/proc/address';
import { parseConnections } from '../../lib/proc/connections';
import { CHUNK_BYTES, readLines } from '../../lib/proc/read';
import { parseGlobalStats, parsePerCpuStats } from '../../lib/proc/stats';
import type { Connection } from '../../lib/types';
import { PROC_CONN, PROC_CONN_SYNC, PROC_STATS, PROC_STATS_PERCPU } from '../fixtures/proc-files';
import { checkConnectionQuery } from '../../lib/validate/connection-query';
import { eventLoopTurns } from '../event-loop-turns';
import { writeSyntheticTable } from '../fixtures/synthetic-connections';

const parse = (text: string, withOrigin = false) => {
  const out: Connection[] = [];
  parseConnections(text, withOrigin, out);
  return out;
};

describe('addresses', () => {
  it('turns host-order hex into dotted quads', () => {
    expect(ipv4FromHex('C6336402')).toBe('198.51.100.2');
    expect(ipv4FromHex('00000007')).toBe('0.0.0.7');
    expect(ipv4FromHex('FFFFFFFF')).toBe('255.255.255.255');
  });

  it('compresses full IPv6 forms exactly as inet_ntop does', () => {
    // Zero runs of every length and place, plus embedded IPv4 forms.
    const words: number[][] = [
      [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201],
      [0, 0, 0, 0, 0, 0, 0xc000, 0x201], [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], [1, 0, 1, 0, 1, 0, 1, 0],
      [0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x201], [0xfe80, 0, 0, 0, 0, 0, 0, 0],
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let i = 0; i < 3000; i++) words.push(Array.from({ length: 8 }, () => (rnd() % 3 === 0 ? rnd() & 0xffff : 0)));
    for (const w of words) {
      const full = w.map((x) => x.toString(16).padStart(4, '0')).join(':');
      expect(ipv6FromFull(full), full).toBe(new SocketAddress({ address: full, family: 'ipv6' }).address);
    }
  });
});

describe('/proc/net/ip_vs_conn', () => {
  // The recorded file, then rows made in the kernel's format: an IPv6 tunnel
  // destination of an IPv4 service, a broken row.
  const recorded = [
    PROC_CONN.trimEnd(),
    'TCP C6336402 DEB8 C6336401 0050 2001:0db8:0002:0000:0000:0000:0000:0002 0050 ESTABLISHED  705028',
    'TCP C6336402 ZZZZ C6336401 0050 CB007103 1F90 TIME_WAIT       119',
    '',
  ].join('\n');

  it('parses every kind of row (and skips one with a port that is not hex)', () => {
    const rows = parse(recorded);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({
      protocol: 'tcp', family: 'inet6', clientAddress: '2001:db8:1::2', clientPort: 0xdd72, virtualAddress: '2001:db8:1::1', virtualPort: 80,
      destinationAddress: '2001:db8:2::3', destinationPort: 8080, state: 'TIME_WAIT', expires: 119, template: false,
    });
    expect(rows[1]).toMatchObject({ family: 'inet', clientAddress: '198.51.100.2', clientPort: 51186, destinationAddress: '203.0.113.3', template: false });
    expect(rows[2]).toMatchObject({ clientAddress: '198.51.100.0', clientPort: 0, state: 'ASSURED', expires: 99, template: true });
    expect(rows[2]!.fwmark).toBeUndefined();
    expect(rows[3]).toMatchObject({ protocol: 'ip', fwmark: 7, virtualAddress: '0.0.0.7', virtualPort: 0, destinationPort: 0, state: 'NONE', template: true });
    expect(rows[4]).toMatchObject({ protocol: 'udp', state: 'NONE', template: false, expires: 294 });
    expect(rows[5]).toMatchObject({ protocol: 'udp', template: true, state: 'NONE', pe: { name: 'sip', data: '3f8a@192.0.2.5' } });
    expect(rows[6]).toMatchObject({ family: 'inet', destinationAddress: '2001:db8:2::2', expires: 705028 });
  });

  it('reads the origin column of ip_vs_conn_sync', () => {
    const rows = parse(PROC_CONN_SYNC, true);
    expect(rows.map((r) => [r.origin, r.expires, r.template])).toEqual([['sync', 118, false], ['local', 98, true]]);
  });

  it('reads PE data as UTF-8', () => {
    const [row] = parse('UDP C6336400 0000 C6336401 13C4 CB007102 13C4 NONE            175 sip caf\xc3\xa9@192.0.2.5\n');
    expect(row!.pe).toEqual({ name: 'sip', data: 'café@192.0.2.5' });
  });

  it('reads a protocol name that is also an Object.prototype key as a name', () => {
    const rows = parse(['constructor', '__proto__', 'toString'].map((p) => `${p} C6336402 C7F2 C6336401 0050 CB007103 1F90 TIME_WAIT       119`).join('\n'));
    expect(rows.map((r) => r.protocol)).toEqual(['constructor', '__proto__', 'tostring']);
  });

  it('skips a row whose expiry is past 2^53 seconds (found by fuzz/js/proc_conn.ts)', () => {
    expect(parse('TCP C6336402 C7F2 C6336401 0050 CB007103 1F90 TIME_WAIT 33333333333333333333333333333333333333333\n')).toEqual([]);
  });

  it('skips what is not a row', () => {
    expect(parse('Pro FromIP ...\n\ngarbage\nTCP C6336402\n')).toEqual([]);
  });

  it('hands out whole lines across chunk and piece boundaries', async () => {
    const file = join(tmpdir(), `ipvs-lines-${process.pid}`);
    const long = 'x'.repeat(70 * 1024); // longer than a piece
    const text = ['a', 'bb', long, '', 'ccc'.repeat(30), 'tail without newline'].join('\n');
    try {
      writeFileSync(file, text);
      for (const chunk of [7, 100, 4096, 1 << 20]) {
        const pieces: string[] = [];
        for await (const p of readLines(openSync(file, 'r'), chunk)) pieces.push(p);
        expect(pieces.join(''), `chunk ${chunk}`).toBe(text);
        expect(pieces.slice(0, -1).every((p) => p.endsWith('\n')), `chunk ${chunk}`).toBe(true);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('reads a million rows a chunk at a time, letting the event loop run between chunks', async () => {
    const file = join(tmpdir(), `ipvs-conn-${process.pid}`);
    try {
      const bytes = writeSyntheticTable(file, 1_000_000);
      let rows = 0;
      let chunks = 0;
      let ipv6 = 0;
      const { turns } = await eventLoopTurns(async () => {
        for await (const text of readLines(openSync(file, 'r'))) {
          const out: Connection[] = [];
          parseConnections(text, false, out);
          rows += out.length;
          chunks++;
          ipv6 += out.filter((c) => c.family === 'inet6').length;
        }
      });
      expect(rows).toBe(1_000_000);
      expect(ipv6).toBe(100_000);
      expect(chunks).toBeGreaterThanOrEqual(Math.floor(bytes / (64 * 1024))); // pieces of at most 64 KiB
      // Each chunk is read on the thread pool: the loop turns at least once per chunk.
      expect(turns).toBeGreaterThanOrEqual(Math.floor(bytes / CHUNK_BYTES) - 1);
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);
});

describe('/proc/net/ip_vs_stats', () => {
  // Recorded in the test kernel after 5 HTTP requests.
  const stats = PROC_STATS;
  const perCpu = PROC_STATS_PERCPU;

  it('parses totals (64-bit) and rates', () => {
    expect(parseGlobalStats(stats)).toEqual({
      connections: 5n, inPackets: 27n, outPackets: 23n, inBytes: 1744n, outBytes: 1721n, cps: 0, inPps: 2, outPps: 2, inBps: 123, outBps: 121,
    });
  });

  it('parses per-CPU rows, not the total or the rates', () => {
    expect(parsePerCpuStats(perCpu)).toEqual([
      { cpu: 0, connections: 5n, inPackets: 27n, outPackets: 23n, inBytes: 1744n, outBytes: 1721n },
      { cpu: 1, connections: 1n, inPackets: 2n, outPackets: 2n, inBytes: 0xffffffffffffffffn, outBytes: 1n },
    ]);
  });

  it('refuses a file it does not understand', () => {
    expect(() => parseGlobalStats('nothing here')).toThrow(/ip_vs_stats/);
  });

  it('refuses a number of more than 64 bits (found by fuzz/js/proc_stats.ts)', () => {
    const wide = perCpu.replace('FFFFFFFFFFFFFFFF', '10000000000000000');
    expect(() => parsePerCpuStats(wide)).toThrow(/^unexpected format of \/proc\/net\/ip_vs_stats_percpu$/);
    expect(() => parseGlobalStats(stats.replace('6D0', '10000000000000000'))).toThrow(/^unexpected format of \/proc\/net\/ip_vs_stats$/);
  });

  it('refuses a CPU number of more than 32 bits (found by fuzz/js/proc_stats.ts)', () => {
    expect(() => parsePerCpuStats(perCpu.replace('  1        1', '100000000        1'))).toThrow(/^unexpected format of \/proc\/net\/ip_vs_stats_percpu$/);
  });
});

describe('connection queries', () => {
  it.each([
    [{ service: { fwmark: 1 } }, 'ERR_INVALID_ARG_VALUE'],
    [{ service: { protocol: 'icmp' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ client: { port: 70000 } }, 'ERR_OUT_OF_RANGE'],
    [{ destination: { address: '10.0.0.1%eth0' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: ['ESTABLISHED', 1] }, 'ERR_INVALID_ARG_TYPE'],
    [{ template: 'yes' }, 'ERR_INVALID_ARG_TYPE'],
    [{ service: { family: 'inet7' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ client: { family: 'inet' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ sort: true }, 'ERR_INVALID_ARG_VALUE'],
    ['all', 'ERR_INVALID_ARG_TYPE'],
  ])('refuses %j', (q, code) => {
    expect(() => checkConnectionQuery(q)).toThrow(expect.objectContaining({ code }));
  });

  it('matches IPv6 addresses however they are written', () => {
    const [row] = parse('TCP 2001:0db8:0001:0000:0000:0000:0000:0002 DD72 2001:0db8:0001:0000:0000:0000:0000:0001 0050 2001:0db8:0002:0000:0000:0000:0000:0003 1F90 TIME_WAIT       119\n');
    expect(checkConnectionQuery({ client: { address: '2001:DB8:1:0:0:0:0:2' } }).keep!(row!)).toBe(true);
    expect(checkConnectionQuery({ client: { address: '2001:db8:1::3' } }).keep!(row!)).toBe(false);
    expect(checkConnectionQuery({}).keep).toBeUndefined();
    expect(checkConnectionQuery({ service: { family: 'inet6' } }).keep!(row!)).toBe(true);
    expect(checkConnectionQuery({ destination: { family: 'inet' } }).keep!(row!)).toBe(false);
  });
});
