// Shared by the libFuzzer targets of the TypeScript /proc parsers
// (fuzz/js/proc_*.ts, run by Jazzer.js): how an input is cut into the pieces
// readLines() hands a parser, and what counts as a finding.
import { isIP } from 'node:net';

/** A finding: Jazzer.js reports the uncaught error and saves the input. */
export function fail(what: string, detail?: unknown): never {
  throw new Error(`fuzz invariant failed: ${what}${detail === undefined ? '' : `: ${JSON.stringify(detail, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`}`);
}

/**
 * The text in pieces of `lines` whole lines each (readLines() cuts only
 * after a newline; the last piece may lack one).
 */
export function pieces(text: string, lines: number): string[] {
  const out: string[] = [];
  let start = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10 && ++n === lines) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
      n = 0;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Latin-1, as readLines() decodes /proc files (one character per byte). */
export const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

export const isPort = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
export const isU32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
export const isAddress = (v: unknown, family: 'inet' | 'inet6') => typeof v === 'string' && isIP(v) === (family === 'inet' ? 4 : 6);
export const isEitherAddress = (v: unknown) => typeof v === 'string' && isIP(v) !== 0;
