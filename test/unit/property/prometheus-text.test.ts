// Properties of the Prometheus text output (lib/prometheus/text.ts) and of
// node_exporter's label formats (lib/prometheus/labels.ts): the exposition
// read back by a strict parser of format 0.0.4 (written here from the
// format's definition) gives back every family, HELP text and label value
// exactly, for arbitrary Unicode (unescape(escape(s)) === s), and the same
// whatever the chunking; goAddress() equals Go's net.IP.String() (a port of
// Go's source) for every address in inet_ntop's form; markLabel() is the
// kernel's %08X.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../../lib/prometheus/family';
import { goAddress, markLabel } from '../../../lib/prometheus/labels';
import { sampleValue, textChunks, toText, writeText } from '../../../lib/prometheus/text';
import { ipv6FromFull } from '../../../lib/proc/address';
import { dotted, fullV6, goIPString, ipv6Words, ntop6, runs, spellV6 } from './support';

/** Escapes in label values: \\ \" \n; in HELP: \\ \n. Anything else after a backslash is malformed. */
function unescape(s: string, allowed: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const next = allowed[s[++i] ?? ''];
    if (next === undefined) throw new Error(`bad escape \\${s[i]} in ${JSON.stringify(s)}`);
    out += next;
  }
  return out;
}

interface Parsed {
  name: string;
  help: string;
  type: string;
  series: Array<{ labels: Array<[string, string]>; value: string }>;
}

/** A strict reader of text format 0.0.4 (what Prometheus' parser accepts), enough to check the writer. */
function parseExposition(text: string): Parsed[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('no final newline');
  const families: Parsed[] = [];
  const lines = text.split('\n').slice(0, -1);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/s.exec(line);
    if (m) {
      const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(lines[++i] ?? '');
      if (!t || t[1] !== m[1]) throw new Error(`HELP without its TYPE: ${line}`);
      families.push({ name: m[1]!, help: unescape(m[2]!, { '\\': '\\', n: '\n' }), type: t[2]!, series: [] });
      continue;
    }
    const f = families.at(-1);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/s.exec(line);
    if (!m || !f || m[1] !== f.name) throw new Error(`not a sample of the current family: ${JSON.stringify(line)}`);
    const labels: Array<[string, string]> = [];
    if (m[2] !== undefined) {
      // label="value" pairs; a value runs to the first quote not escaped.
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)/gsy;
      let last = 0;
      for (let p = re.exec(m[2]); p; p = re.exec(m[2])) {
        labels.push([p[1]!, unescape(p[2]!, { '\\': '\\', '"': '"', n: '\n' })]);
        last = re.lastIndex;
        if (p[3] === '') break;
      }
      if (last !== m[2].length) throw new Error(`bad label set: ${JSON.stringify(m[2])}`);
    }
    f.series.push({ labels, value: m[3]! });
  }
  return families;
}

/** A sample value as Go's strconv.ParseFloat reads it (bigints: exactly). */
function readValue(s: string): number | bigint {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (/^-?[0-9]+$/.test(s) && !/^-?[0-9]{1,15}$/.test(s)) return BigInt(s);
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/i.test(s)) throw new Error(`not a float: ${s}`);
  return Number(s);
}

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
/** Any Unicode, with the characters that need escaping (and look-alikes) often. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.constantFrom('\\', '"', '\n', '\r', '\t', 'n', '\\n', '{', '}', ',', '=', ' ', '#', 'é', '\u{1F600}', '\u2028', '\0'), { maxLength: 12 }).map((a) => a.join('')),
);
const sample = fc.oneof(fc.bigUintN(64), fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, 0, 2 ** 53, 1e21, 1e-7, 0.1)) as fc.Arbitrary<number | bigint>;

const families: fc.Arbitrary<MetricFamily[]> = fc
  .uniqueArray(
    fc.record({ name: metricName, help: anyText, type: fc.constantFrom('counter', 'gauge') as fc.Arbitrary<'counter' | 'gauge'>, labelNames: fc.uniqueArray(labelName, { maxLength: 4 }), rows: fc.array(fc.tuple(fc.array(anyText, { minLength: 4, maxLength: 4 }), sample), { maxLength: 5 }) }),
    { selector: (f) => f.name, maxLength: 5 },
  )
  .map((fs) => fs.map(({ rows, ...f }) => ({ ...f, series: rows.map(([labels, value]) => ({ labels: labels.slice(0, f.labelNames.length), value })) })));

describe('text exposition format', () => {
  it('a strict reader gets back every family with samples: names, types, HELP, label values (any Unicode) and values', () => {
    fc.assert(
      fc.property(families, (fs) => {
        const text = toText(fs);
        const parsed = parseExposition(text);
        const kept = fs.filter((f) => f.series.length > 0); // families without samples are left out
        expect(parsed.map((p) => [p.name, p.type, p.help])).toEqual(kept.map((f) => [f.name, f.type, f.help]));
        parsed.forEach((p, i) => {
          const f = kept[i]!;
          expect(p.series.map((s) => s.labels)).toEqual(f.series.map((s) => s.labels.map((v, j) => [f.labelNames[j]!, v])));
          p.series.forEach((s, j) => {
            const want = f.series[j]!.value;
            const got = readValue(s.value);
            if (typeof want === 'bigint') expect(BigInt(got as bigint)).toBe(want);
            else if (Number.isNaN(want)) expect(got).toBeNaN();
            else expect(Number(got) === want).toBe(true); // -0 is written "0": equal as a float
          });
        });
      }),
      runs(500),
    );
  });

  it('chunks are whole lines, join to toText(), and writeText() writes the same', () => {
    // Many series, so that the output crosses the 64 KiB chunk size.
    const big = fc.tuple(families, fc.integer({ min: 0, max: 3000 }), fc.string({ maxLength: 40 })).map(([fs, n, v]) => [
      ...fs,
      { name: 'zz_big', help: 'big', type: 'gauge' as const, labelNames: ['v'], series: Array.from({ length: n }, (_, i) => ({ labels: [`${v}${i}`], value: i })) },
    ]);
    fc.assert(
      fc.property(big, (fs) => {
        const chunks = [...textChunks(fs)];
        const text = toText(fs);
        expect(chunks.join('')).toBe(text);
        expect(chunks.every((c) => c.length > 0 && c.endsWith('\n'))).toBe(true);
        const written: string[] = [];
        writeText(fs, (c) => written.push(c));
        expect(written).toEqual(chunks);
      }),
      runs(30),
    );
  });

  it('sampleValue(): what Go parses back to the same float (exactly the integer for bigints)', () => {
    fc.assert(
      fc.property(sample, (v) => {
        const got = readValue(sampleValue(v));
        if (typeof v === 'bigint') expect(BigInt(got as bigint)).toBe(v);
        else if (Number.isNaN(v)) expect(got).toBeNaN();
        else expect(Number(got) === v).toBe(true);
      }),
      runs(600),
    );
  });
});

describe("labels as node_exporter (Go) writes them", () => {
  it("goAddress() of inet_ntop's form (Node's, and the /proc parser's) is Go's net.IP.String() of the same 16 bytes", () => {
    fc.assert(
      fc.property(ipv6Words, (w) => {
        const go = goIPString(w);
        expect(goAddress(ntop6(w))).toBe(go);
        expect(goAddress(ipv6FromFull(fullV6(w)))).toBe(go);
      }),
      runs(600),
    );
  });

  it('goAddress() of any spelling with an IPv4 tail (as the existing tests pass it) is Go\'s form of the same address', () => {
    fc.assert(
      fc.property(ipv6Words, fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat(3), v4Tail: fc.constant(true) }), (w, how) => {
        expect(goAddress(spellV6(w, how))).toBe(goIPString(w));
      }),
      runs(600),
    );
  });

  it('goAddress() leaves IPv4 as it is; markLabel() is %08X of the mark', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(goAddress(dotted(v))).toBe(dotted(v));
        const mark = markLabel(v);
        expect(mark).toMatch(/^[0-9A-F]{8}$/);
        expect(parseInt(mark, 16)).toBe(v);
      }),
      runs(600),
    );
  });
});
