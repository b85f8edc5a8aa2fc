/**
 * Ipvs.open() options -> what the addon's open() takes.
 * @module
 */
import { invalidType, invalidValue } from '../errors';
import { integer, knownKeys, object } from './primitives';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface RawOpenOptions {
  timeoutMs: number;
  netnsFd?: number;
  netnsPath?: string;
}

export function checkOpenOptions(v: unknown): RawOpenOptions {
  const o = object('options', v);
  knownKeys('options', o, new Set(['timeout', 'netns']));
  const raw: RawOpenOptions = {
    timeoutMs: o.timeout === undefined ? DEFAULT_TIMEOUT_MS : integer('options.timeout', o.timeout, 1, 3_600_000),
  };
  const ns = o.netns;
  if (typeof ns === 'number') {
    raw.netnsFd = integer('options.netns', ns, 0, 2_147_483_647);
  } else if (typeof ns === 'string') {
    if (ns === '' || ns.includes('\0')) throw invalidValue('options.netns', ns, 'must be a path or a file descriptor');
    raw.netnsPath = ns;
  } else if (ns !== undefined) {
    throw invalidType('options.netns', 'a path (string) or a file descriptor (number)', ns);
  }
  return raw;
}
