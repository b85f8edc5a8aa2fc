/**
 * The C library's text-to-number functions as ipvsadm calls them, so that
 * arguments are accepted and refused exactly as there: strtol() behind
 * string_to_number(), inet_aton() (which takes '10.1', '0x7f.1', '010.0.0.1'),
 * inet_pton(), str_is_digit(), atoi() and strtok(..., ",").
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const LONG_MAX = 2n ** 63n - 1n;

/** strtol(s, &end, 10): the value (clamped on overflow), where parsing stopped, and whether it overflowed. */
export function strtol(s: string): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const start = i;
  while (isDigit(s[i])) i++;
  if (i === start) return { value: 0n, end: 0, overflow: false };
  const digits = s.slice(start, i);
  let value = i - start <= 15 ? BigInt(Number(digits)) : BigInt(digits);
  if (negative) value = -value;
  const overflow = value > LONG_MAX || value < -LONG_MAX - 1n;
  return { value, end: i, overflow };
}

/** ipvsadm's string_to_number(): a whole decimal number within [min, max], else -1. */
export function stringToNumber(s: string, min: number, max: number): number {
  // Plain digits, the usual case, without strtol's BigInt.
  if (s.length > 0 && s.length <= 15 && /^[0-9]+$/.test(s)) {
    const v = Number(s);
    return v >= min && v <= max ? v : -1;
  }
  const { value, end, overflow } = strtol(s);
  if (end === s.length && end !== 0 && !overflow && value >= BigInt(min) && value <= BigInt(max)) return Number(value);
  return -1;
}

/** strtoul(s + i, &end, 0) from a digit: [value or Infinity when above 32 bits, end]. */
function strtoulAuto(s: string, i: number): [number, number] {
  let base = 10;
  if (s[i] === '0') {
    if ((s[i + 1] === 'x' || s[i + 1] === 'X') && /^[0-9a-fA-F]/.test(s.slice(i + 2, i + 3))) {
      base = 16;
      i += 2;
    } else {
      base = 8;
    }
  }
  let v = 0;
  for (;;) {
    const c = s.charCodeAt(i) | 32; // NaN | 32 = 32: the end
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0 || d >= base) break;
    v = v * base + d;
    i++;
  }
  return [v > 0xffffffff ? Infinity : v, i];
}

/** inet_aton(): the address as a host-order 32-bit number, or null. */
export function inetAton(s: string): number | null {
  const parts: number[] = [];
  let i = 0;
  let val: number;
  for (;;) {
    if (!isDigit(s[i])) return null;
    const [v, end] = strtoulAuto(s, i);
    if (v === Infinity) return null;
    val = v;
    i = end;
    if (s[i] === '.') {
      if (parts.length > 2 || val > 0xff) return null;
      parts.push(val);
      i++;
    } else {
      break;
    }
  }
  const c = s[i];
  if (c !== undefined && !isSpace(c)) return null;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length]!;
  if (val > max) return null;
  let word = 0;
  parts.forEach((p, k) => (word |= p << (24 - 8 * k)));
  return ((word >>> 0) | val) >>> 0;
}

export function ipv4ToString(host: number): string {
  return `${host >>> 24}.${(host >>> 16) & 0xff}.${(host >>> 8) & 0xff}.${host & 0xff}`;
}

/** inet_pton(AF_INET6): glibc refuses zone ids, which Node's isIPv6 allows. */
export const inetPton6 = (s: string): boolean => isIPv6(s) && !s.includes('%');

/** inet_pton(AF_INET): strict dotted quad. */
export const inetPton4 = (s: string): boolean => isIPv4(s);

/** ipvsadm's str_is_digit(): true for digits only, and for the empty string. */
export const strIsDigit = (s: string): boolean => /^[0-9]*$/.test(s);

/** atoi(): leading blanks, a sign, digits; 0 when there are none (32-bit wrap ignored). */
export function atoi(s: string): number {
  const { value, end } = strtol(s);
  return end === 0 ? 0 : Number(BigInt.asIntN(32, value));
}

/** strtok(s, ","): the non-empty pieces. */
export const strtokComma = (s: string): string[] => s.split(',').filter(Boolean);
