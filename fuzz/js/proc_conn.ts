// libFuzzer target (Jazzer.js) of the /proc/net/ip_vs_conn(_sync) parser.
// Input: one byte of options (bit 0: the _sync file's Origin column; bits
// 1-3: lines per piece, 0 = the whole text), then the file's bytes.
// Findings: any exception; rows that differ from the strict reading of the
// kernel's format (test/fixtures/proc-reference.ts) or between pieces and
// the whole; a row whose fields are not what Connection declares.
import { isDeepStrictEqual } from 'node:util';
import { parseConnections } from '../../lib/proc/connections';
import type { Connection } from '../../lib/types';
import { PROC_CONN, PROC_CONN_SYNC } from '../../test/fixtures/proc-files';
import { strictConnections } from '../../test/fixtures/proc-reference';
import { fail, isAddress, isEitherAddress, isPort, isU32, latin1, pieces } from './support';

const KEYS = new Set(['protocol', 'family', 'clientAddress', 'clientPort', 'virtualAddress', 'virtualPort', 'destinationAddress', 'destinationPort', 'state', 'expires', 'template', 'fwmark', 'pe', 'origin']);

function checkRow(c: Connection, withOrigin: boolean): void {
  if (Object.getPrototypeOf(c) !== Object.prototype || Object.keys(c).some((k) => !KEYS.has(k))) fail('row shape', c);
  if (typeof c.protocol !== 'string' || !c.protocol || typeof c.state !== 'string' || !c.state) fail('protocol or state not a word', c);
  if (c.family !== 'inet' && c.family !== 'inet6') fail('family', c);
  if (!isAddress(c.clientAddress, c.family) || !isAddress(c.virtualAddress, c.family) || !isEitherAddress(c.destinationAddress)) fail('addresses', c);
  if (![c.clientPort, c.virtualPort, c.destinationPort].every(isPort)) fail('ports', c);
  if (!Number.isSafeInteger(c.expires) || c.expires < 0 || typeof c.template !== 'boolean') fail('expires or template', c);
  if (c.fwmark !== undefined && (!isU32(c.fwmark) || !c.template || c.protocol !== 'ip')) fail('fwmark', c);
  if (withOrigin ? c.pe !== undefined || (c.origin !== 'local' && c.origin !== 'sync') : c.origin !== undefined) fail('origin', c);
  if (c.pe !== undefined && (typeof c.pe.name !== 'string' || typeof c.pe.data !== 'string' || !c.pe.name)) fail('pe', c);
}

export function fuzz(data: Buffer): void {
  if (data.length === 0) return;
  const withOrigin = (data[0]! & 1) === 1;
  const lines = (data[0]! >> 1) & 7;
  const text = latin1(data.subarray(1));
  const whole: Connection[] = [];
  parseConnections(text, withOrigin, whole);
  for (const c of whole) checkRow(c, withOrigin);
  if (lines) {
    const cut: Connection[] = [];
    for (const p of pieces(text, lines)) parseConnections(p, withOrigin, cut);
    if (!isDeepStrictEqual(cut, whole)) fail('pieces and whole differ', { cut, whole });
  }
  const strict = strictConnections(text, withOrigin);
  if (!isDeepStrictEqual(whole, strict)) fail('differs from the strict reading', { whole, strict });
}

/** Seeds: the recorded files, each way. */
export const seeds = [
  Buffer.concat([Buffer.from([0]), Buffer.from(PROC_CONN, 'latin1')]),
  Buffer.concat([Buffer.from([2 << 1]), Buffer.from(PROC_CONN, 'latin1')]),
  Buffer.concat([Buffer.from([1]), Buffer.from(PROC_CONN_SYNC, 'latin1')]),
  Buffer.concat([Buffer.from([1 | (1 << 1)]), Buffer.from(PROC_CONN_SYNC, 'latin1')]),
];
