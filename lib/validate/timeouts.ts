/**
 * Connection timeouts for setTimeouts(): a missing field keeps the kernel's
 * current value (sent as 0, which the kernel reads as "unchanged").
 * @module
 */
import { MAX_CONNECTION_TIMEOUT } from '../constants';
import type { RawTimeouts } from '../native';
import { integer, knownKeys, object } from './primitives';

export function checkTimeouts(v: unknown, name = 'timeouts'): RawTimeouts {
  const o = object(name, v);
  knownKeys(name, o, new Set(['tcp', 'tcpFin', 'udp']));
  const field = (k: 'tcp' | 'tcpFin' | 'udp') => (o[k] === undefined ? 0 : integer(`${name}.${k}`, o[k], 1, MAX_CONNECTION_TIMEOUT));
  return { tcp: field('tcp'), tcpFin: field('tcpFin'), udp: field('udp') };
}
