/**
 * The exporter's HTTP side: GET <path> scrapes and streams the text format
 * (gzip when the client accepts it, as Prometheus does); GET / links to it.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { TEXT_CONTENT_TYPE, textChunks, type IpvsCollector } from '../../lib/prometheus/index';

function sendMetrics(collector: IpvsCollector, req: IncomingMessage, res: ServerResponse): void {
  collector.collect().then(
    (families) => {
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.writeHead(200, { 'Content-Type': TEXT_CONTENT_TYPE, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      if (req.method === 'HEAD') return void res.end();
      // Pulled as the client reads: a slow scraper does not make the whole text pile up in memory.
      const text = Readable.from(textChunks(families));
      (gzip ? pipeline(text, createGzip(), res) : pipeline(text, res)).catch(() => res.destroy()); // the client went away
    },
    (e: unknown) => {
      // Only after close(): the server is shutting down.
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${(e as Error).message}\n`);
    },
  );
}

export function metricsServer(collector: IpvsCollector, path: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (url.pathname === path) {
      sendMetrics(collector, req, res);
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<html><head><title>IPVS exporter</title></head><body><h1>IPVS exporter</h1><p><a href="${path}">Metrics</a></p></body></html>\n`);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    }
  });
}
