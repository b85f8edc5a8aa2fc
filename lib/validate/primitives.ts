/**
 * Checks for single values, each throwing Node-style argument errors that
 * name the offending property ('service.port').
 * @module
 */
import { invalidType, invalidValue, outOfRange, type Name } from '../errors';

export function object(name: Name, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType(name, 'of type object', v);
  return v as Record<string, unknown>;
}

/** Rejects properties that are neither settable nor read-only fields of `allowed`. */
export function knownKeys(name: Name, o: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  // for-in allocates no key array (this runs for every object of a large apply()).
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    if (!allowed.has(key) && o[key] !== undefined) throw invalidValue(`${name}.${key}`, o[key], 'is not a known property');
  }
}

export function integer(name: Name, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number') throw invalidType(name, 'of type number', v);
  if (!Number.isInteger(v) || v < min || v > max) throw outOfRange(name, `an integer >= ${min} && <= ${max}`, v);
  return v;
}

export function optionalInteger(name: Name, v: unknown, min: number, max: number, fallback: number): number {
  return v === undefined ? fallback : integer(name, v, min, max);
}

export function boolean(name: Name, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalidType(name, 'of type boolean', v);
  return v;
}

export function oneOf<T extends string>(name: Name, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string') throw invalidType(name, `one of ${values.map((x) => `'${x}'`).join(', ')}`, v);
  if (!values.includes(v as T)) throw invalidValue(name, v, `must be one of ${values.map((x) => `'${x}'`).join(', ')}`);
  return v as T;
}

/**
 * A scheduler or persistence-engine name: what fits the kernel's field (1..15
 * bytes, no NUL). Which names exist is the kernel's to say (ENOENT), as for
 * ipvsadm: modules can be added at any time.
 */
export function moduleName(name: Name, v: unknown, maxLength: number): string {
  if (typeof v !== 'string') throw invalidType(name, 'of type string', v);
  if (v.length === 0 || v.includes('\0') || Buffer.byteLength(v) > maxLength) {
    throw invalidValue(name, v, `must be 1 to ${maxLength} bytes, without NUL`);
  }
  return v;
}

/** The check of integer() without its error, for hot paths: `isInteger(v, 0, 9) ? v : integer(name, v, 0, 9)`. */
export function isInteger(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** A path in a large input ('desired[3].destinations[1]'), made into text only for an error message. */
export class Path {
  constructor(
    private readonly parent: Name,
    private readonly index: number,
    private readonly field?: string,
  ) {}

  toString(): string {
    return `${String(this.parent)}${this.field ? `.${this.field}` : ''}[${this.index}]`;
  }
}
