// The ipvs-exporter command as a process: flags and their errors, HTTP
// behaviour (gzip, HEAD, 404, 405), --netns read against node_exporter run
// inside that namespace, scrape failures reported as metrics, and graceful
// shutdown with a scrape in flight.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ipvs } from '../../../lib/index';
import { connectNamespace, createNamespace, sh } from '../../harness/topology';
import { useIpvs } from '../helpers';
import { get, IPVS_EXPORTER, only, parseExposition, sorted, startIpvsExporter, startNodeExporter, type Running } from './exporters';

const box = useIpvs();
const running: Running[] = [];
const start = async (p: Promise<Running>) => {
  const r = await p;
  running.push(r);
  return r;
};
afterAll(async () => {
  for (const r of running) await r.stop();
});

const exporter = (...args: string[]) => spawnSync(process.execPath, [IPVS_EXPORTER, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('command line', () => {
  it('--help and --version', () => {
    const help = exporter('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ipvs-exporter \[options\]/);
    expect(help.stdout).toContain('--backend-labels');
    expect(exporter('--version').stdout).toMatch(/^ipvs-exporter \d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['--bogus'], 'unknown option "--bogus"'],
    [['--listen', 'nowhere'], '--listen: expected [HOST]:PORT, got "nowhere"'],
    [['--listen', ':70000'], '--listen: expected [HOST]:PORT, got ":70000"'],
    [['--listen'], '--listen needs a value'],
    [['--extras=services,bogus'], '--extras: unknown group "bogus"'],
    [['--path', 'metrics'], '--path must start with "/"'],
    [['--backend-labels', 'local_port,bad_label,invalid_label'], 'has unknown IPVS backend labels: "bad_label, invalid_label"'],
  ])('%j is refused with status 2 before anything starts', (args, message) => {
    const r = exporter(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a port in use: status 1 and the reason', async () => {
    const first = await start(startIpvsExporter());
    const r = exporter('--listen', new URL(first.url).host);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });
});

describe('HTTP', () => {
  let url = '';
  beforeAll(async () => {
    url = (await start(startIpvsExporter(['--extras', '--path', '/m']))).url;
  });

  it('serves the text format, gzip when asked, HEAD without a body', async () => {
    // (each test starts from an empty table)
    await box.ipvs.addService({ protocol: 'tcp', address: '192.0.2.80', port: 80 });
    await box.ipvs.addDestination({ protocol: 'tcp', address: '192.0.2.80', port: 80 }, { address: '192.0.2.81', port: 8080 });
    const plain = await get(url);
    const gz = await get(url, { gzip: true });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const strip = (t: string) => t.replace(/^ipvs_scrape_(duration_seconds|errors_total).*\n/gm, '');
    expect(strip(gz.text)).toBe(strip(plain.text));
    expect(plain.text).toContain('node_ipvs_backend_weight{local_address="192.0.2.80",local_mark="",local_port="80",proto="TCP",remote_address="192.0.2.81",remote_port="8080"} 1\n');
    expect(plain.text).toContain('ipvs_scrape_success 1\n');
    const head = await get(url, { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('/ links to the metrics; other paths 404; other methods 405', async () => {
    const root = await get(url.replace(/\/m$/, '/'));
    expect(root.text).toContain('<a href="/m">Metrics</a>');
    expect((await get(url.replace(/\/m$/, '/metrics'))).status).toBe(404);
    expect((await get(url, { method: 'POST' })).status).toBe(405);
  });
});

describe('--netns', () => {
  const NS = 'ipvs-exporter-ns';
  beforeAll(async () => {
    await createNamespace(NS);
    await connectNamespace(NS, { hostIf: 'ipvs-expn0', hostAddrs: ['192.0.2.1/24'], nsAddrs: ['192.0.2.2/24'] });
    const ipvs = await Ipvs.open({ netns: `/run/netns/${NS}` });
    try {
      await ipvs.addService({ protocol: 'udp', address: '192.0.2.53', port: 53 });
      await ipvs.addDestination({ protocol: 'udp', address: '192.0.2.53', port: 53 }, { address: '192.0.2.54', port: 5353, weight: 9 });
    } finally {
      ipvs.close();
    }
  });
  afterAll(() => sh('ip', 'netns', 'del', NS));

  it("reads that namespace's table: the series node_exporter gives when run inside it", async () => {
    const theirs = await start(startNodeExporter([], { ns: NS, host: '192.0.2.2' }));
    const ours = await start(startIpvsExporter(['--netns', `/run/netns/${NS}`]));
    const a = only(parseExposition((await get(theirs.url)).text), 'node_ipvs_');
    const b = only(parseExposition((await get(ours.url)).text), 'node_ipvs_');
    expect(sorted(b.samples)).toEqual(sorted(a.samples));
    expect([...b.samples.keys()].some((k) => k.includes('remote_address="192.0.2.54"'))).toBe(true);
  });

  it('a namespace that does not exist: the scrape reports the failure, the exporter keeps serving', async () => {
    const ours = await start(startIpvsExporter(['--netns', '/run/netns/nosuch']));
    const first = parseExposition((await get(ours.url)).text);
    const second = parseExposition((await get(ours.url)).text);
    expect(first.samples.get('ipvs_scrape_success{}')).toBe(0);
    expect(first.samples.get('ipvs_scrape_errors_total{source="open"}')).toBe(1);
    expect(second.samples.get('ipvs_scrape_errors_total{source="open"}')).toBe(2);
    expect([...second.samples.keys()].filter((k) => k.startsWith('node_ipvs_'))).toEqual([]);
    // One log line for the same failure, not one per scrape.
    expect(ours.stderr().match(/reading open failed: .*ENOENT/g)).toHaveLength(1);
  });
});

describe('shutdown', () => {
  it('SIGTERM with a scrape in flight: the scrape completes, the process exits 0', async () => {
    // Enough rules that a scrape with every extra takes a while in the test kernel.
    const batch = box.ipvs.batch();
    for (let i = 0; i < 2000; i++) {
      const key = { protocol: 'tcp' as const, address: `10.9.${i >> 8}.${i & 255}`, port: 80 };
      batch.addService(key);
      batch.addDestination(key, { address: '192.0.2.9', port: 8080 });
    }
    await batch.run();
    const child = spawn(process.execPath, [IPVS_EXPORTER, '--listen', '127.0.0.1:0', '--extras'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const url = await new Promise<string>((res) =>
      child.stderr!.on('data', (d) => {
        err += d;
        const m = /serving (http:\S+)/.exec(err);
        if (m) res(m[1]!);
      }),
    );
    const exited = new Promise<number | null>((res) => child.once('exit', res));
    const scrape = get(url);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const s = await scrape;
    expect(s.status).toBe(200);
    expect(s.text).toMatch(/ipvs_scrape_success 1\n/);
    expect(s.text.match(/^ipvs_service_info\{/gm)).toHaveLength(2000);
    expect(await exited).toBe(0);
    expect(err).toContain('SIGTERM: shutting down');
    // Nothing listens any more.
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});
