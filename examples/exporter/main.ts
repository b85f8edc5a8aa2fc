/**
 * ipvs-exporter: a Prometheus exporter of the kernel's IPVS, a drop-in for
 * node_exporter's ipvs collector (same node_ipvs_* series), with opt-in
 * extras. Shuts down gracefully on SIGTERM/SIGINT: stops accepting, lets
 * scrapes in progress finish, closes its netlink socket.
 * @module
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { IpvsCollector, type ScrapeSource } from '../../lib/prometheus/index';
import { parseFlags, USAGE, UsageError } from './flags';
import { metricsServer } from './server';

export interface ExporterIo {
  out(text: string): void;
  err(text: string): void;
  version: string;
}

/** A running exporter: where it listens, and how to stop it. */
export interface Exporter {
  url: string;
  close(): Promise<void>;
}

/** How long scrapes in progress may take to finish once shutdown starts. */
const DRAIN_MS = 10_000;

/** Parses argv and starts serving; resolves with the exporter, or with an exit status when there is nothing to serve. */
export async function startExporter(argv: readonly string[], io: ExporterIo): Promise<Exporter | number> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`ipvs-exporter: ${e.message}\nTry 'ipvs-exporter --help'.\n`);
    return 2;
  }
  if (flags.help) return io.out(USAGE), 0;
  if (flags.version) return io.out(`ipvs-exporter ${io.version}\n`), 0;

  // One line per failing source, and again only when its message changes.
  const lastError = new Map<ScrapeSource, string>();
  let collector: IpvsCollector;
  try {
    collector = new IpvsCollector({
      extras: flags.extras,
      backendLabels: flags.backendLabels,
      ...(flags.netns === undefined ? {} : { netns: flags.netns }),
      onError: (e, source) => {
        if (lastError.get(source) !== e.message) io.err(`ipvs-exporter: reading ${source} failed: ${e.message}\n`);
        lastError.set(source, e.message);
      },
    });
  } catch (e) {
    io.err(`ipvs-exporter: ${(e as Error).message}\n`);
    return 2;
  }
  const server: Server = metricsServer(collector, flags.path);
  try {
    server.listen(flags.port, flags.host);
    await once(server, 'listening');
  } catch (e) {
    collector.close();
    io.err(`ipvs-exporter: cannot listen on ${flags.host ?? ''}:${flags.port}: ${(e as Error).message}\n`);
    return 1;
  }
  const a = server.address();
  const where = typeof a === 'object' && a ? (a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`) : String(a);
  const url = `http://${where}${flags.path}`;
  io.err(`ipvs-exporter: serving ${url}\n`);
  return {
    url,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      await closed;
      clearTimeout(timer);
      collector.close();
    },
  };
}
