// ipvs/prometheus without a kernel: the /proc/net/ip_vs parser on bytes
// recorded from the test kernel (7.2), Go's label formats, node_exporter's
// label flag and summing, the text format, the prom-client adapter, options.
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseListen, parseFlags } from '../../examples/exporter/flags';
import { BackendParser } from '../../lib/proc/backends';
import { PROC_IP_VS } from '../fixtures/proc-files';
import { IpvsCollector, toText, writeText, type MetricFamily } from '../../lib/prometheus/index';
import { goAddress, markLabel } from '../../lib/prometheus/labels';
import { backendDescriptors, backendFamilies, checkBackendLabels } from '../../lib/prometheus/node-exporter';
import { promClientMetric } from '../../lib/prometheus/prom-client';


const row = (protocol: string, serviceAddress: string, servicePort: number, fwmark: number, address: string, port: number, weight: number, activeConnections = 0, inactiveConnections = 0) =>
  ({ protocol, serviceAddress, servicePort, fwmark, address, port, weight, activeConnections, inactiveConnections });

const EXPECTED = [
  row('UDP', '::10.0.0.8', 53, 0, '::192.168.1.8', 53, 1),
  row('TCP', '10.0.0.1', 80, 0, '192.168.1.1', 8080, 3, 2, 17),
  row('FWM', '', 0, 0x10001000, '192.168.1.3', 0, 0),
  row('SCTP', '10.0.0.2', 80, 0, '192.168.1.2', 8080, 1),
  row('TCP', '10.0.0.2', 443, 0, '127.0.0.1', 8080, 1),
  row('TCP', '10.0.0.2', 443, 0, '127.0.0.2', 8080, 2, 0, 1),
  row('FWM', '', 0, 7, '2001:db8::5', 0, 1),
];

describe('/proc/net/ip_vs', () => {
  it('one row per destination with its service, whichever piece each line comes in', () => {
    const whole = new BackendParser();
    whole.feed(PROC_IP_VS);
    expect(whole.out).toEqual(EXPECTED);
    const lines = PROC_IP_VS.split('\n');
    for (let cut = 1; cut < lines.length - 1; cut++) {
      const p = new BackendParser();
      p.feed(`${lines.slice(0, cut).join('\n')}\n`);
      p.feed(lines.slice(cut).join('\n'));
      expect(p.out).toEqual(EXPECTED);
    }
  });

  it.each([
    ['  -> C0A80101:1F90      Masq    3      0          0', 'unexpected line'], // no service before
    ['TCP  0A00001:0050 wlc', 'unexpected address'],
    ['TCP  0A000001:050 wlc\n  -> C0A80101:1F90 Masq 1 0 0', 'unexpected address'],
    ['TCP  0A000001:0050 wlc\n  -> C0A80101:1F90 Masq x 0 0', 'unexpected number'],
    ['FWM  zz wlc', 'unexpected line'],
    ['FWM  10A000001 wlc', 'unexpected line'], // over 32 bits (found by fuzz/js/proc_ip_vs.ts)
    ['TCP  0A000001:0050 wlc\n  -> C0A80101:1F90 Masq 1 0 2147483648', 'unexpected number'], // no int (the same)
  ])('malformed: %j', (text, message) => {
    expect(() => new BackendParser().feed(text)).toThrow(message);
  });
});

describe('label values as Go prints them', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'], // IPv4-mapped: plain IPv4
    ['::1.2.3.4', '::102:304'], // IPv4-compatible: hex
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['0:0:1:0:0:0:1.2.3.4', '0:0:1::102:304'], // the longest run
    ['1:0:0:2:0:0:1.2.3.4', '1::2:0:0:102:304'], // the first of two equal runs
  ])('goAddress(%s) = %s', (a, go) => {
    expect(goAddress(a)).toBe(go);
  });

  it('fwmarks as the kernel prints them', () => {
    expect([markLabel(1), markLabel(0x3da3), markLabel(0xffffffff)]).toEqual(['00000001', '00003DA3', 'FFFFFFFF']);
  });
});

describe("node_exporter's backend labels", () => {
  it('the flag: default all six, subsets, empty, duplicates; unknown names refused in its words', () => {
    expect(checkBackendLabels('x', undefined)).toEqual(['local_address', 'local_mark', 'local_port', 'proto', 'remote_address', 'remote_port']);
    expect(checkBackendLabels('x', ['remote_port', '', 'local_port', 'remote_port'])).toEqual(['local_port', 'remote_port']);
    expect(checkBackendLabels('x', [])).toEqual([]);
    expect(() => checkBackendLabels('options.backendLabels', ['local_port', 'invalid_label', 'bad_label'])).toThrow(
      'The "options.backendLabels" argument has unknown IPVS backend labels: "bad_label, invalid_label"',
    );
    expect(() => checkBackendLabels('x', 'local_port')).toThrow(TypeError);
  });

  it('destinations with equal kept labels are summed (active, inactive and weight)', () => {
    const [active, inactive, weight] = backendFamilies(backendDescriptors(['local_port', 'proto']), EXPECTED);
    const table = (f: MetricFamily) => Object.fromEntries(f.series.map((s) => [s.labels.join(' '), s.value]));
    expect(table(weight!)).toEqual({ '53 UDP': 1, '80 TCP': 3, '0 FWM': 1, '80 SCTP': 1, '443 TCP': 3 });
    expect(table(active!)).toEqual({ '53 UDP': 0, '80 TCP': 2, '0 FWM': 0, '80 SCTP': 0, '443 TCP': 0 });
    expect(table(inactive!)['443 TCP']).toBe(1);
    const [none] = backendFamilies(backendDescriptors([]), EXPECTED);
    expect(none!.series).toEqual([{ labels: [], value: 2 }]);
  });
});

const FAMILIES: MetricFamily[] = [
  { name: 'a_total', help: 'Back\\slash and\nnewline.', type: 'counter', labelNames: ['x', 'y'], series: [{ labels: ['q"uote', 'b\\s\nn'], value: 2n ** 64n - 1n }, { labels: ['', ''], value: 0n }] },
  { name: 'b', help: 'Empty.', type: 'gauge', labelNames: [], series: [] },
  { name: 'c', help: 'Odd values.', type: 'gauge', labelNames: [], series: [{ labels: [], value: NaN }, { labels: [], value: -Infinity }] },
  { name: 'd', help: 'Plain.', type: 'gauge', labelNames: ['l'], series: [{ labels: ['v'], value: 0.25 }] },
];

describe('text format', () => {
  it('escapes HELP and label values, writes 64-bit counters exactly, leaves empty families out', () => {
    expect(toText(FAMILIES)).toBe(
      [
        '# HELP a_total Back\\\\slash and\\nnewline.',
        '# TYPE a_total counter',
        'a_total{x="q\\"uote",y="b\\\\s\\nn"} 18446744073709551615',
        'a_total{x="",y=""} 0',
        '# HELP c Odd values.',
        '# TYPE c gauge',
        'c NaN',
        'c -Inf',
        '# HELP d Plain.',
        '# TYPE d gauge',
        'd{l="v"} 0.25',
        '',
      ].join('\n'),
    );
  });

  it('hands out whole lines in chunks', () => {
    const big: MetricFamily = { name: 'm', help: 'h', type: 'gauge', labelNames: ['i'], series: Array.from({ length: 20_000 }, (_, i) => ({ labels: [String(i)], value: i })) };
    const chunks: string[] = [];
    writeText([big], (c) => chunks.push(c));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.join('')).toBe(toText([big]));
  });
});

describe('prom-client adapter', () => {
  const index = async () => new Map(FAMILIES.map((f) => [f.name, f]));

  it('renders the same series; 64-bit values become the nearest double', async () => {
    const registry = new Registry();
    for (const f of FAMILIES) registry.registerMetric(promClientMetric(f, index) as never);
    const text = await registry.metrics();
    expect(text).toContain('a_total{x="q\\"uote",y="b\\\\s\\nn"} 18446744073709552000');
    expect(text).toContain('d{l="v"} 0.25');
    expect(text).toContain('# HELP b Empty.\n# TYPE b gauge');
  });

  it('OpenMetrics: counter families without _total, samples with it', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    registry.registerMetric(promClientMetric(FAMILIES[0]!, index) as never);
    const text = await registry.metrics();
    expect(text).toMatch(/^# HELP a Back/);
    expect(text).toContain('# TYPE a counter\na_total{x="q\\"uote"');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });
});

describe('IpvsCollector options (checked before anything is opened)', () => {
  it.each([
    [{ extras: 'all' }, 'ERR_INVALID_ARG_TYPE'],
    [{ extras: ['services', 'bogus'] }, 'ERR_INVALID_ARG_VALUE'],
    [{ backendLabels: ['nope'] }, 'ERR_INVALID_ARG_VALUE'],
    [{ netns: '' }, 'ERR_INVALID_ARG_VALUE'],
    [{ netns: 1.5 }, 'ERR_OUT_OF_RANGE'],
    [{ ipvs: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ onError: 'log' }, 'ERR_INVALID_ARG_TYPE'],
    [{ interval: 5 }, 'ERR_INVALID_ARG_VALUE'],
  ])('%j -> %s', (options, code) => {
    expect(() => new IpvsCollector(options as never)).toThrow(expect.objectContaining({ code }));
  });

  it('describes what it will emit: node_exporter first, extras by group, the scrape last', () => {
    const names = (o: object) => new IpvsCollector(o).descriptors.map((d) => d.name);
    expect(names({})).toEqual([
      'node_ipvs_connections_total',
      'node_ipvs_incoming_packets_total',
      'node_ipvs_outgoing_packets_total',
      'node_ipvs_incoming_bytes_total',
      'node_ipvs_outgoing_bytes_total',
      'node_ipvs_backend_connections_active',
      'node_ipvs_backend_connections_inactive',
      'node_ipvs_backend_weight',
      'ipvs_scrape_duration_seconds',
      'ipvs_scrape_success',
      'ipvs_scrape_errors_total',
    ]);
    const all = names({ extras: true });
    expect(all.filter((n) => n.startsWith('node_ipvs_'))).toHaveLength(8);
    expect(all).toContain('ipvs_destination_info');
    expect(all).toContain('ipvs_sync_daemon_running');
    expect(new Set(all).size).toBe(all.length);
    expect(names({ extras: ['daemons'] })).not.toContain('ipvs_service_info');
  });
});

describe('ipvs-exporter flags', () => {
  it.each([
    [':9850', { host: undefined, port: 9850 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:9100', { host: '::1', port: 9100 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('--listen %s', (v, want) => {
    expect(parseListen(v)).toEqual(want);
  });

  it('defaults, --extras with and without groups, node_exporter\'s flag name', () => {
    expect(parseFlags([])).toMatchObject({ port: 9850, path: '/metrics', extras: [], backendLabels: undefined });
    expect(parseFlags(['--extras']).extras).toEqual(['services', 'destinations', 'connections', 'daemons']);
    expect(parseFlags(['--extras=daemons,services']).extras).toEqual(['daemons', 'services']);
    expect(parseFlags(['--collector.ipvs.backend-labels=local_port']).backendLabels).toEqual(['local_port']);
    expect(parseFlags(['--backend-labels', '']).backendLabels).toEqual(['']);
  });
});
