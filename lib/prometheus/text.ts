/**
 * Metric families -> Prometheus text exposition format 0.0.4: HELP and TYPE
 * before each family's samples (a family without samples is left out, as
 * Go's client does), label values escaped (\\ \" \n), HELP
 * escaped (\\ \n), every line ending in a newline. 64-bit counters are
 * written as exact integers (Prometheus parses them into a float64).
 * @module
 */
import type { MetricFamily } from './family';

/** The Content-Type of this format. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NEEDS_ESCAPE = /[\\"\n]/;

function labelValue(v: string): string {
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

/** A sample value as Go's ParseFloat reads it. */
export function sampleValue(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

// Text handed to `write` at once: large enough to amortise the call, small
// enough to stay out of V8's large-object space.
const CHUNK_CHARS = 64 * 1024;

/**
 * The families in order, as chunks of whole lines: pull them as the reader
 * can take them (an HTTP response with backpressure: `Readable.from()`).
 * @example
 * Readable.from(textChunks(await collector.collect())).pipe(res);
 */
export function* textChunks(families: Iterable<MetricFamily>): Generator<string, void, undefined> {
  let out = '';
  for (const f of families) {
    if (f.series.length === 0) continue;
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    const names = f.labelNames;
    for (const s of f.series) {
      out += f.name;
      if (names.length > 0) {
        out += '{';
        for (let i = 0; i < names.length; i++) out += `${i ? ',' : ''}${names[i]}="${labelValue(s.labels[i]!)}"`;
        out += '}';
      }
      out += ` ${sampleValue(s.value)}\n`;
      if (out.length >= CHUNK_CHARS) {
        yield out;
        out = '';
      }
    }
  }
  if (out) yield out;
}

/**
 * Writes the families in order, in chunks of whole lines.
 * @example
 * writeText(await collector.collect(), (chunk) => process.stdout.write(chunk));
 */
export function writeText(families: Iterable<MetricFamily>, write: (chunk: string) => void): void {
  for (const chunk of textChunks(families)) write(chunk);
}

/**
 * The whole exposition as one string.
 * @example
 * console.log(toText(await collector.collect()));
 */
export function toText(families: Iterable<MetricFamily>): string {
  return [...textChunks(families)].join('');
}
