// Shared pieces of the property tests: generators of addresses and kernel
// objects, the kernel's /proc formats (protocol.md §6, net/netfilter/ipvs/
// ip_vs_conn.c and ip_vs_ctl.c), and independent reference implementations
// (Go's net.IP.String) that the package's code is compared with.
//
// Runs per property: `runs(n)` scales them with FC_RUNS_SCALE (e.g.
// FC_RUNS_SCALE=10 for a long local hunt, 0.2 under emulation). A failure
// prints fast-check's seed and path; rerun it with FC_SEED=<seed> (and
// FC_PATH=<path>) in the environment.
import fc from 'fast-check';
import { dotted, fullV6, ntop6 } from '../../fixtures/proc-reference';

export { dotted, fullV6, ntop6 };

const scale = Number(process.env.FC_RUNS_SCALE ?? '1') || 1;

/** fast-check parameters: `n` runs (scaled), and the seed/path of a failure to replay. */
export function runs<T = never>(n: number): fc.Parameters<T> {
  const p: fc.Parameters<T> = { numRuns: Math.max(1, Math.round(n * scale)) };
  if (process.env.FC_SEED) p.seed = Number(process.env.FC_SEED);
  if (process.env.FC_PATH) p.path = process.env.FC_PATH;
  return p;
}

/** Vitest's per-test timeout for the property tests (generous: the suite also runs emulated). */
export const TIMEOUT = 120_000;

// ---------------------------------------------------------------------------
// Addresses

/** Eight 16-bit groups, biased towards the shapes that matter: zero runs, IPv4-mapped and -compatible. */
export const ipv6Words: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) }, fc.constantFrom(1, 0xffff)), { minLength: 8, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0, 0, 0, 0, 0, 0, a, b]) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }) },
);

/** 16 address bytes (network order) of 8 groups. */
export const v6Bytes = (w: readonly number[]) => Buffer.from(w.flatMap((g) => [g >>> 8, g & 255]));
export const v4Bytes = (v: number) => Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);

export const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** An address of either family: its groups (IPv6) or value (IPv4), and its canonical text. */
export type GenAddress = { family: 'inet'; value: number; text: string } | { family: 'inet6'; words: number[]; text: string };

export const genV4: fc.Arbitrary<GenAddress> = fc
  .oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x7f000001, 0xc0000201))
  .map((value) => ({ family: 'inet' as const, value, text: dotted(value) }));
export const genV6: fc.Arbitrary<GenAddress> = ipv6Words.map((words) => ({ family: 'inet6' as const, words, text: ntop6(words) }));
export const genAddress: fc.Arbitrary<GenAddress> = fc.oneof(genV4, genV6);

/** Go's net.IP.String() of a 16-byte address (net/ip.go + netip appendTo6), written from Go's source. */
export function goIPString(w: readonly number[]): string {
  // ip.To4() succeeds for ::ffff:a.b.c.d: printed as plain IPv4.
  if (w.slice(0, 5).every((g) => g === 0) && w[5] === 0xffff) return `${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
  let zeroStart = 255;
  let zeroEnd = 255;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    const l = j - i;
    if (l >= 2 && l > zeroEnd - zeroStart) {
      zeroStart = i;
      zeroEnd = j;
    }
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zeroStart) {
      out += '::';
      i = zeroEnd;
      if (i >= 8) break;
    } else if (i > 0) {
      out += ':';
    }
    out += w[i]!.toString(16);
  }
  return out;
}

/** One of the many ways to write the address of 8 groups (RFC 4291 2.2), chosen by `how`. */
export function spellV6(w: readonly number[], how: { upper: boolean; pad: boolean; compress: number; v4Tail: boolean }): string {
  let groups = w.map((g) => g.toString(16)).map((g) => (how.pad ? g.padStart(4, '0') : g));
  if (how.upper) groups = groups.map((g) => g.toUpperCase());
  let tail = '';
  if (how.v4Tail) {
    tail = `${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
    groups = groups.slice(0, 6);
  }
  // Compress one run of zero groups (any length >= 1, as inet_pton allows), the how.compress-th one found.
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < groups.length; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && w[j] === 0) j++;
    runs.push([i, j]);
    i = j;
  }
  const sep = (parts: string[]) => parts.join(':');
  let text: string;
  if (how.compress > 0 && runs.length > 0) {
    const [a, b] = runs[how.compress % runs.length]!;
    text = `${sep(groups.slice(0, a))}::${sep(groups.slice(b))}`;
    if (tail) text += b < groups.length ? `:${tail}` : tail;
  } else {
    text = sep(groups);
    if (tail) text += `:${tail}`;
  }
  return text;
}

export const v6Spelling = fc
  .tuple(ipv6Words, fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat(3), v4Tail: fc.boolean() }))
  .map(([w, how]) => ({ words: w, text: spellV6(w, how) }));

// ---------------------------------------------------------------------------
// Errors

const ARG_CODES = new Set(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE']);

/**
 * The package's documented argument error: TypeError (ERR_INVALID_ARG_TYPE /
 * ERR_INVALID_ARG_VALUE) or RangeError (ERR_OUT_OF_RANGE), its message in
 * Node's shape naming the property; returns the property named.
 */
export function expectArgumentError(e: unknown, topName: string): string {
  if (!(e instanceof TypeError || e instanceof RangeError)) throw new Error(`not an argument error: ${String(e)}`, { cause: e });
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !ARG_CODES.has(code)) throw new Error(`untyped ${e.constructor.name}: ${e.message}`, { cause: e });
  if (!(e instanceof (code === 'ERR_OUT_OF_RANGE' ? RangeError : TypeError))) throw new Error(`${code} on a ${(e as Error).name}`, { cause: e });
  const m = /^The (?:value of )?"([^"]+)"/.exec(e.message);
  if (!m) throw new Error(`message does not name a property: ${e.message}`, { cause: e });
  const named = m[1]!;
  if (!(named === topName || named.startsWith(`${topName}.`) || named.startsWith(`${topName}[`))) throw new Error(`the error names "${named}", not a property of "${topName}"`, { cause: e });
  return named;
}

/** Runs `fn`; its result, or the error it threw. */
export function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Values of every JS type, including the awkward ones validators meet. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, -1, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, '', '\0', 'a\0b', '80', ' 80', 1n, Symbol('s'), [], [80], () => 80, new Date(0), null, undefined, true, false),
  fc.double(),
  fc.integer(),
  fc.string(),
);

// ---------------------------------------------------------------------------
// Mutations of real text: truncation, insertion, deletion, replacement, line splits.

export type Mutation = { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; count: number } | { kind: 'replace'; at: number; ch: string };

const mutationChar = fc.oneof(fc.constantFrom(' ', '\n', ':', '[', ']', '-', '>', '~', '0', 'F', 'f', 'x', 'G', '\t', '\r', '\0', '\xff', '-1'), fc.string({ maxLength: 3 }));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'truncate' as const, at })),
  fc.tuple(fc.nat(), mutationChar).map(([at, text]) => ({ kind: 'insert' as const, at, text })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4 })).map(([at, count]) => ({ kind: 'delete' as const, at, count })),
  fc.tuple(fc.nat(), mutationChar.filter((s) => s.length === 1)).map(([at, ch]) => ({ kind: 'replace' as const, at, ch })),
);

export function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    if (m.kind === 'truncate') t = t.slice(0, at);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.count);
    else t = t.slice(0, at) + m.ch + t.slice(at + 1);
  }
  return t;
}

/** Text cut into pieces of whole lines at the given line indexes (as readLines hands them out). */
export function splitAtLines(text: string, cuts: readonly number[]): string[] {
  const lines = text.split(/(?<=\n)/);
  const at = [...new Set(cuts.map((c) => c % (lines.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const c of [...at, lines.length]) {
    if (c > from) pieces.push(lines.slice(from, c).join(''));
    from = Math.max(from, c);
  }
  return pieces;
}

/** Text from a generator of strings made of the given characters (cheap structured noise). */
export const textOf = (alphabet: string, maxLength = 200) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => a.join(''));
