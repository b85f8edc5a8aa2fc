// ipvsadm-js's C-compatible pieces, without a kernel. Expected values were
// recorded from the C library and libpopt they imitate (glibc 2.36's
// inet_aton and qsort, popt 1.19, ipvsadm's print_largenum compiled with gcc);
// the kernel suite compares whole commands with the real ipvsadm.
import { describe, expect, it } from 'vitest';
import { inetAton, ipv4ToString, stringToNumber } from '../../examples/ipvsadm/c-parse';
import { largeNumber } from '../../examples/ipvsadm/listing';
import { OPTION_TABLE } from '../../examples/ipvsadm/options';
import { Popt, POPT_ERROR } from '../../examples/ipvsadm/popt';
import { restoreLines } from '../../examples/ipvsadm/restore';
import { glibcMergeSort, sortDestinations } from '../../examples/ipvsadm/sort';
import type { Destination } from '../../lib/index';

/** Every option popt finds, as "tag=arg", then the leftovers; or the error and the word it was in. */
function scan(...args: string[]): string[] {
  const p = new Popt(['ipvsadm', ...args], OPTION_TABLE);
  const seen: string[] = [];
  for (;;) {
    const r = p.nextOption();
    if (typeof r === 'number') {
      if (r < -1) return [...seen, `error ${r} in ${p.badOption()}`];
      break;
    }
    seen.push(r.arg === null ? r.tag : `${r.tag}=${r.arg}`);
  }
  for (let a = p.getArg(); a !== undefined; a = p.getArg()) seen.push(`leftover ${a}`);
  return seen;
}

describe('popt', () => {
  it('reads clusters, attached and separate arguments, long forms', () => {
    expect(scan('-Ln')).toEqual(['L', 'n']);
    expect(scan('-lnc', '--persistent-conn')).toEqual(['l', 'n', 'c', 'persistent-conn']);
    expect(scan('-A', '-t10.0.0.1:80', '-srr')).toEqual(['A', 't=10.0.0.1:80', 's=rr']);
    expect(scan('-A', '-t=10.0.0.1:80')).toEqual(['A', 't=10.0.0.1:80']);
    expect(scan('--add-service', '--tcp-service=10.0.0.1:80', '--scheduler', 'rr')).toEqual(['A', 't=10.0.0.1:80', 's=rr']);
    expect(scan('-a', '-t', '1.1.1.1:80', '-r', '2.2.2.2', '-w', '-5')).toEqual(['a', 't=1.1.1.1:80', 'r=2.2.2.2', 'w=-5']);
  });

  it("takes -p's optional argument only when the next word is not an option", () => {
    expect(scan('-A', '-p')).toEqual(['A', 'p']);
    expect(scan('-A', '-p', '600')).toEqual(['A', 'p=600']);
    expect(scan('-A', '-p600')).toEqual(['A', 'p=600']);
    expect(scan('-A', '-p', '-s', 'rr')).toEqual(['A', 'p', 's=rr']);
    expect(scan('-A', '-p', 'rr')).toEqual(['A', 'p=rr']);
    expect(scan('-A', '--persistent=60')).toEqual(['A', 'p=60']);
  });

  it('keeps non-options as leftovers wherever they are; -- ends options', () => {
    expect(scan('--set', '1', '2', '3')).toEqual(['set', 'leftover 1', 'leftover 2', 'leftover 3']);
    expect(scan('1', '-L', '2')).toEqual(['L', 'leftover 1', 'leftover 2']);
    expect(scan('-L', '--', '-n', '-')).toEqual(['L', 'leftover -n', 'leftover -']);
    expect(scan('-L', '-')).toEqual(['L', 'leftover -']);
  });

  it('reads a single-dash word as short options, never as a long one', () => {
    expect(scan('-L', '-list')).toEqual(['L', 'l', 'i', 's=t']);
  });

  it('reports popt errors with the word they came from', () => {
    expect(scan('-L', '-q')).toEqual(['L', `error ${POPT_ERROR.BADOPT} in -q`]);
    expect(scan('-Lq')).toEqual(['L', `error ${POPT_ERROR.BADOPT} in -Lq`]);
    expect(scan('-L', '--bogus')).toEqual(['L', `error ${POPT_ERROR.BADOPT} in --bogus`]);
    expect(scan('-L', '--nosort=1')).toEqual(['L', `error ${POPT_ERROR.UNWANTEDARG} in --nosort=1`]);
    expect(scan('-L=1')).toEqual([`error ${POPT_ERROR.UNWANTEDARG} in -L=1`]);
    expect(scan('-A', '-t')).toEqual(['A', `error ${POPT_ERROR.NOARG} in -t`]);
  });
});

describe('C conversions', () => {
  it('inet_aton() as glibc: short forms, octal, hex, trailing blanks', () => {
    // Recorded with glibc's inet_aton (Python's socket.inet_aton calls it).
    const glibc: Record<string, string | null> = {
      '10.1': '10.0.0.1', '0x7f.1': '127.0.0.1', '010.0.0.1': '8.0.0.1', '08.0.0.1': null, '1.2.3.4 x': '1.2.3.4',
      '1.2.3.4\tx': '1.2.3.4', '1.2.3.256': null, '4294967295': '255.255.255.255', '4294967296': null,
      '1.16777215': '1.255.255.255', '1.16777216': null, '': null, '.1': null, '1..2': null, '1.2.3.4.5': null,
      '0x': null, '0x1g': null, '00': '0.0.0.0', '0xffffffff': '255.255.255.255', '1.2.3.0x10': '1.2.3.16',
      '1.2.65535': '1.2.255.255', '1.2.65536': null, '1 ': '0.0.0.1', '01.02.03.04': '1.2.3.4', '0377.0.0.1': '255.0.0.1',
      '0400.0.0.1': null, '+1.2.3.4': null, ' 1.2.3.4': null, '1.2.3.-4': null, '0X7F.1': '127.0.0.1', '127.1.': null, '127..1': null,
    };
    for (const [text, want] of Object.entries(glibc)) {
      const v = inetAton(text);
      expect([text, v === null ? null : ipv4ToString(v)]).toEqual([text, want]);
    }
  });

  it("string_to_number(): strtol's blanks and signs, whole string, range", () => {
    expect(stringToNumber(' 5', 0, 9)).toBe(5);
    expect(stringToNumber('+5', 0, 9)).toBe(5);
    expect(stringToNumber('-0', 0, 9)).toBe(0);
    expect(stringToNumber('5 ', 0, 9)).toBe(-1);
    expect(stringToNumber('', 0, 9)).toBe(-1);
    expect(stringToNumber('10', 0, 9)).toBe(-1);
    expect(stringToNumber('0x5', 0, 9)).toBe(-1);
    expect(stringToNumber('99999999999999999999', 0, 2147483647)).toBe(-1);
    expect(stringToNumber('2147483647', 0, 2147483647)).toBe(2147483647);
  });
});

describe('listing pieces', () => {
  it('print_largenum(): scaled and --exact', () => {
    // [value, without --exact, with --exact], from ipvsadm's function compiled with gcc.
    const printed: Array<[bigint, string, string]> = [
      [0n, '        0', '        0'],
      [99999999n, ' 99999999', ' 99999999'],
      [100000000n, '  100000K', ' 100000000'],
      [999999999n, '  999999K', ' 999999999'],
      [1000000000n, '    1000M', ' 1000000000'],
      [99999999999n, '   99999M', ' 99999999999'],
      [100000000000n, '     100G', ' 100000000000'],
      [99999999999999n, '   99999G', ' 99999999999999'],
      [100000000000000n, '     100T', ' 100000000000000'],
      [18446744073709551615n, '18446744T', ' 18446744073709551615'],
    ];
    for (const [v, scaled, exact] of printed) expect([largeNumber(v, 0), largeNumber(v, 0x80)]).toEqual([scaled, exact]);
  });

  it("sorts as glibc's qsort does with libipvs's wrapping comparator", () => {
    // glibc 2.36 qsort() of these u32 with `return (int)(a - b)`.
    const v = [3990661610, 3102999580, 2180016041, 3310238712, 144446104, 2147272548, 2123859475, 1873700573, 3608770956, 682874144];
    expect(glibcMergeSort(v, (a, b) => (a - b) | 0)).toEqual([1873700573, 2123859475, 2147272548, 2180016041, 3102999580, 3310238712, 3608770956, 3990661610, 144446104, 682874144]);
    // What ipvsadm -Ln printed for these destinations of one service (kernel suite's "wrap" fixture).
    const dest = (address: string, port: number) => ({ address, port, family: address.includes(':') ? 'inet6' : 'inet' }) as Destination;
    const order = sortDestinations([dest('1.1.1.1', 1), dest('223.255.255.254', 2), dest('128.0.0.1', 3), dest('126.255.255.255', 4)]);
    expect(order.map((d) => d.port)).toEqual([4, 3, 2, 1]);
  });
});

describe('-R input', () => {
  const lines = (text: string) => [...restoreLines(text, 'ipvsadm')].map((a) => a.slice(1).join(' '));

  it('splits on blanks, drops the word ipvsadm, keeps empty lines as empty commands', () => {
    expect(lines('-A -t 1.1.1.1:80\n\n ipvsadm  -a\t-t 1.1.1.1:80 -r 2.2.2.2\r\n')).toEqual(['-A -t 1.1.1.1:80', '', '-a -t 1.1.1.1:80 -r 2.2.2.2']);
    expect(lines('# comment\n')).toEqual(['# comment']);
    expect(lines('')).toEqual([]);
  });

  it('keeps a last line without newline, but not one that ends in blanks (as fscanf leaves it)', () => {
    expect(lines('-C\n-A -t 1.1.1.1:80')).toEqual(['-C', '-A -t 1.1.1.1:80']);
    expect(lines('-C\n-A -t 1.1.1.1:80  ')).toEqual(['-C']);
    expect(lines('-C\n   ')).toEqual(['-C']);
  });
});
