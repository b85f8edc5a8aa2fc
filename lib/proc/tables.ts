/**
 * The kernel's tables that only /proc/net shows (the connection table, the
 * global statistics), read through a handle's `open`, which opens an IPVS
 * /proc/net file of the handle's namespace and resolves its fd.
 * @module
 */
import { IpvsError, toIpvsError, unavailableError } from '../errors';
import type { Connection, ConnectionQuery, GlobalStats } from '../types';
import { checkConnectionQuery } from '../validate/connection-query';
import { BackendParser, type ProcBackend } from './backends';
import { parseConnections } from './connections';
import { readAll, readLines } from './read';
import { parseGlobalStats, parsePerCpuStats } from './stats';

export type ProcOpener = (operation: string, file: string) => Promise<number>;

/** Opens a file; the files come and go with the ip_vs module. */
async function openFile(open: ProcOpener, operation: string, file: string): Promise<number> {
  try {
    return await open(operation, file);
  } catch (e) {
    if (e instanceof IpvsError && e.code === 'ENOENT' && e.syscall === 'open') throw unavailableError(e, operation);
    throw e;
  }
}

async function readFile(open: ProcOpener, operation: string, file: string): Promise<string> {
  const fd = await openFile(open, operation, file);
  try {
    return await readAll(fd);
  } catch (e) {
    throw toIpvsError(e, operation);
  }
}

/** Reads the connection table a piece at a time, parsing each into the array `sink()` gives; yields that array. */
export async function* connectionChunks(open: ProcOpener, operation: string, query: ConnectionQuery | undefined, sink: () => Connection[]): AsyncGenerator<Connection[]> {
  const { withOrigin, keep } = checkConnectionQuery(query);
  const fd = await openFile(open, operation, withOrigin ? 'ip_vs_conn_sync' : 'ip_vs_conn');
  try {
    for await (const text of readLines(fd)) {
      const rows = sink();
      parseConnections(text, withOrigin, rows, keep);
      yield rows;
    }
  } catch (e) {
    throw e instanceof IpvsError ? e : toIpvsError(e, operation);
  }
}

/** Every destination with its weight and connection counts, from the kernel's listing (/proc/net/ip_vs). */
export async function readBackends(open: ProcOpener, operation: string): Promise<ProcBackend[]> {
  const parser = new BackendParser();
  const fd = await openFile(open, operation, 'ip_vs');
  try {
    for await (const text of readLines(fd)) parsed(operation, (t) => parser.feed(t), text);
  } catch (e) {
    throw e instanceof IpvsError ? e : toIpvsError(e, operation);
  }
  return parser.out;
}

/** Totals and rates (ip_vs_stats) with per-CPU counters (ip_vs_stats_percpu). */
export async function readGlobalStats(open: ProcOpener): Promise<GlobalStats> {
  const total = parsed('globalStats', parseGlobalStats, await readFile(open, 'globalStats', 'ip_vs_stats'));
  let perCpu: GlobalStats['perCpu'] = [];
  try {
    perCpu = parsed('globalStats', parsePerCpuStats, await readFile(open, 'globalStats', 'ip_vs_stats_percpu'));
  } catch (e) {
    if ((e as IpvsError).code !== 'ERR_IPVS_UNAVAILABLE') throw e; // kernels before 2.6.37 lack the file
  }
  return { ...total, perCpu };
}

/** A /proc file we cannot read is a protocol error, as a malformed netlink reply is. */
function parsed<T>(operation: string, parse: (text: string) => T, text: string): T {
  try {
    return parse(text);
  } catch (e) {
    throw new IpvsError({ message: `${operation}: ${(e as Error).message}`, code: 'ERR_IPVS_PROTOCOL', operation });
  }
}
