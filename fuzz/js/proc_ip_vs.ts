// libFuzzer target (Jazzer.js) of the /proc/net/ip_vs parser (BackendParser).
// Input: one byte (bits 0-2: lines per piece, 0 = the whole text), then the
// file's bytes. Findings: an exception other than the parser's own refusal;
// an outcome (rows, or a refusal) other than the strict reading's
// (test/fixtures/proc-reference.ts) or than the same text fed in pieces; a
// row whose fields are not what ProcBackend declares.
import { isDeepStrictEqual } from 'node:util';
import { BackendParser, type ProcBackend } from '../../lib/proc/backends';
import { PROC_IP_VS } from '../../test/fixtures/proc-files';
import { BACKEND_ERROR, isParserError, strictBackends } from '../../test/fixtures/proc-reference';
import { fail, isEitherAddress, isPort, isU32, latin1, pieces } from './support';

type Outcome = { rows: ProcBackend[] } | { refused: true };

function outcome(read: () => ProcBackend[], own: boolean): Outcome {
  try {
    return { rows: read() };
  } catch (e) {
    if (own && !isParserError(e, BACKEND_ERROR)) throw e;
    return { refused: true };
  }
}

function feed(texts: readonly string[]): ProcBackend[] {
  const p = new BackendParser();
  for (const t of texts) p.feed(t);
  return p.out;
}

const isCount = (v: unknown) => Number.isSafeInteger(v);

function checkRow(r: ProcBackend): void {
  if (typeof r.protocol !== 'string' || !r.protocol) fail('protocol', r);
  if (r.protocol === 'FWM' ? r.serviceAddress !== '' || r.servicePort !== 0 || !isU32(r.fwmark) : !isEitherAddress(r.serviceAddress) || !isPort(r.servicePort) || r.fwmark !== 0) fail('service', r);
  if (!isEitherAddress(r.address) || !isPort(r.port)) fail('destination', r);
  if (![r.weight, r.activeConnections, r.inactiveConnections].every(isCount)) fail('counts', r);
}

export function fuzz(data: Buffer): void {
  if (data.length === 0) return;
  const lines = data[0]! & 7;
  const text = latin1(data.subarray(1));
  const whole = outcome(() => feed([text]), true);
  if ('rows' in whole) for (const r of whole.rows) checkRow(r);
  if (lines) {
    const cut = outcome(() => feed(pieces(text, lines)), true);
    if (!isDeepStrictEqual(cut, whole)) fail('pieces and whole differ', { cut, whole });
  }
  const strict = outcome(() => strictBackends(text), false);
  if (!isDeepStrictEqual(whole, strict)) fail('differs from the strict reading', { whole, strict });
}

export const seeds = [
  Buffer.concat([Buffer.from([0]), Buffer.from(PROC_IP_VS, 'latin1')]),
  Buffer.concat([Buffer.from([3]), Buffer.from(PROC_IP_VS, 'latin1')]),
];
