// The two exporters as processes (node_exporter and ours), scraped over HTTP,
// and the exposition text parsed into comparable series.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const IPVS_EXPORTER = resolve(__dirname, '../../../dist/examples/exporter/bin.js');

/** node_exporter's path, from the harness (never a skip: a missing one fails). */
export function nodeExporterPath(): string {
  const p = process.env.IPVS_NODE_EXPORTER;
  if (!p) throw new Error('IPVS_NODE_EXPORTER is not set: run the kernel suite through `node test/harness/run.mjs kernel`, which fetches prometheus-node-exporter');
  return p;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface Scrape {
  text: string;
  /** Wall time of the request, seconds. */
  seconds: number;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

/** GET a URL; `gzip` asks for (and undoes) gzip, as Prometheus does. */
export function get(url: string, { gzip = false, method = 'GET' } = {}): Promise<Scrape> {
  const start = performance.now();
  return new Promise((res, rej) => {
    const req = request(url, { method, headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (r.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        res({ text, seconds: (performance.now() - start) / 1000, headers: r.headers, status: r.statusCode ?? 0 });
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

export interface Running {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

function inNamespace(ns: string | undefined, argv: string[]): [string, string[]] {
  return ns ? ['ip', ['netns', 'exec', ns, ...argv]] : [argv[0]!, argv.slice(1)];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

let nextPort = 9300;

/**
 * Where an exporter runs: a namespace (default the test's own) and the
 * address it listens on there (reachable from the test's namespace).
 */
export interface Place {
  ns?: string;
  host?: string;
}

/** node_exporter with only its ipvs collector. */
export async function startNodeExporter(args: string[] = [], { ns, host = '127.0.0.1' }: Place = {}): Promise<Running> {
  const port = nextPort++;
  const [cmd, argv] = inNamespace(ns, [
    nodeExporterPath(),
    '--collector.disable-defaults',
    '--collector.ipvs',
    '--web.disable-exporter-metrics',
    `--web.listen-address=${host}:${port}`,
    ...args,
  ]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = `http://${host}:${port}/metrics`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited (${child.exitCode}): ${err}`);
    if (await get(url).then(() => true, () => false)) break;
    if (i > 200) throw new Error(`node_exporter did not listen in 20 s: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, stderr: () => err, stop: () => stopChild(child) };
}

/** Our ipvs-exporter (the built bin), on a free port. */
export async function startIpvsExporter(args: string[] = [], { ns, host = '127.0.0.1' }: Place = {}): Promise<Running> {
  const [cmd, argv] = inNamespace(ns, [process.execPath, IPVS_EXPORTER, '--listen', `${host}:0`, ...args]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((res, rej) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /serving (http:\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    child.once('exit', (code) => rej(new Error(`ipvs-exporter exited (${code}): ${err}`)));
  });
  return { url, child, stderr: () => err, stop: () => stopChild(child) };
}

export interface Exposition {
  /** name -> HELP and TYPE. */
  meta: Map<string, { help?: string; type?: string }>;
  /** 'name{a="1",b="2"}' (labels sorted) -> value. */
  samples: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format (both exporters' output) into comparable form. */
export function parseExposition(text: string): Exposition {
  const meta: Exposition['meta'] = new Map();
  const samples: Exposition['samples'] = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (m) {
      const entry = meta.get(m[2]!) ?? {};
      entry[m[1] === 'HELP' ? 'help' : 'type'] = m[3]!;
      meta.set(m[2]!, entry);
      continue;
    }
    if (line.startsWith('#')) continue;
    const s = SAMPLE.exec(line);
    if (!s) throw new Error(`not a sample line: ${line}`);
    const labels = [...(s[2] ?? '').matchAll(LABEL)].map((l) => `${l[1]}="${l[2]}"`).sort();
    const key = `${s[1]}{${labels.join(',')}}`;
    if (samples.has(key)) throw new Error(`duplicate series ${key}`);
    samples.set(key, Number(s[3]));
  }
  return { meta, samples };
}

/** Only the series (and metadata) whose name starts with `prefix`. */
export function only(e: Exposition, prefix: string): Exposition {
  return {
    meta: new Map([...e.meta].filter(([k]) => k.startsWith(prefix))),
    samples: new Map([...e.samples].filter(([k]) => k.startsWith(prefix))),
  };
}

/** Series as a sorted object, for readable equality failures. */
export function sorted(m: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}
