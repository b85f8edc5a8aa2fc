/**
 * IpvsCollector: reads the kernel once per scrape and gives metric families:
 * node_exporter's ipvs series, the opt-in extras, and the scrape's own
 * duration, success and errors. A failed read never throws out of a scrape:
 * its series are left out and it is counted in ipvs_scrape_errors_total.
 * @module
 */
import { closedError, invalidType, invalidValue, IpvsError, toIpvsError } from '../errors';
import { Ipvs, READ_BACKENDS } from '../ipvs';
import type { ProcBackend } from '../proc/backends';
import type { Daemon, GlobalStats, SnapshotService } from '../types';
import { checkOpenOptions } from '../validate/open';
import { knownKeys, object } from '../validate/primitives';
import { connectionFamilies, ConnectionCounts, daemonFamilies, destinationFamilies, EXTRAS, extraDescriptors, serviceFamilies, type Extra } from './extras';
import { descriptor, type MetricDescriptor, type MetricFamily } from './family';
import { backendDescriptors, backendFamilies, checkBackendLabels, globalFamilies, NODE_GLOBAL } from './node-exporter';
import { defaultRegistry, promClientMetric, type MetricRegistry } from './prom-client';

/** Where a scrape reads from; the `source` label of ipvs_scrape_errors_total. */
export type ScrapeSource = 'open' | 'stats' | 'backends' | 'snapshot' | 'connections' | 'daemons';

export interface IpvsCollectorOptions {
  /**
   * A handle to read through (left open by close()). Default: the collector
   * opens its own on the first scrape, in `netns`, and opens it again after
   * a scrape that failed.
   */
  ipvs?: Ipvs;
  /** The network namespace to read (as Ipvs.open's `netns`); not with `ipvs`. */
  netns?: string | number;
  /**
   * node_exporter's --collector.ipvs.backend-labels: which of local_address,
   * local_port, remote_address, remote_port, proto, local_mark the
   * node_ipvs_backend_* series keep (default all); destinations whose kept
   * labels are equal are summed. [] gives one unlabelled total.
   */
  backendLabels?: readonly string[];
  /** Series node_exporter lacks: true for all groups, or some of 'services', 'destinations', 'connections', 'daemons'. Default none. */
  extras?: boolean | readonly Extra[];
  /** Called with each failed read (the scrape still completes). */
  onError?: (error: IpvsError, source: ScrapeSource) => void;
}

const SCRAPE = [
  descriptor('ipvs_scrape_duration_seconds', 'gauge', 'How long the last scrape took to read the kernel.'),
  descriptor('ipvs_scrape_success', 'gauge', 'Whether every read of the last scrape succeeded (1) or not (0).'),
  descriptor('ipvs_scrape_errors_total', 'counter', 'Reads that failed since the collector was created, by source.', ['source']),
];

function checkExtras(v: unknown): Extra[] {
  if (v === undefined || v === false) return [];
  if (v === true) return [...EXTRAS];
  if (!Array.isArray(v)) throw invalidType('options.extras', 'a boolean or an array', v);
  for (const x of v) if (!(EXTRAS as readonly unknown[]).includes(x)) throw invalidValue('options.extras', x, `must be one of ${EXTRAS.map((e) => `'${e}'`).join(', ')}`);
  return EXTRAS.filter((e) => v.includes(e));
}

/**
 * Prometheus metrics of the kernel's IPVS, compatible with node_exporter.
 * @example
 * const collector = new IpvsCollector({ extras: ['services'] });
 * collector.register(registry); // a prom-client Registry; default: prom-client's global one
 * // on shutdown: collector.close();
 */
export class IpvsCollector {
  /** Every metric this collector emits, in output order. */
  readonly descriptors: readonly MetricDescriptor[];
  readonly #given: Ipvs | undefined;
  readonly #netns: string | number | undefined;
  readonly #extras: ReadonlySet<Extra>;
  readonly #backends: MetricDescriptor[];
  readonly #onError: IpvsCollectorOptions['onError'];
  readonly #errors = new Map<ScrapeSource, number>();
  #own: Promise<Ipvs> | undefined;
  #inflight: Promise<MetricFamily[]> | undefined;
  #registries: MetricRegistry[] = [];
  #closed = false;

  /**
   * Checks the options (throwing TypeError/RangeError); opens nothing yet.
   * @example
   * const collector = new IpvsCollector({ netns: '/run/netns/lb', backendLabels: ['local_address', 'local_port'] });
   */
  constructor(options: IpvsCollectorOptions = {}) {
    const o = object('options', options);
    knownKeys('options', o, new Set(['ipvs', 'netns', 'backendLabels', 'extras', 'onError']));
    if (o.ipvs !== undefined && !(o.ipvs instanceof Ipvs)) throw invalidType('options.ipvs', 'an Ipvs handle', o.ipvs);
    if (o.ipvs !== undefined && o.netns !== undefined) throw invalidValue('options.netns', o.netns, 'cannot be given with options.ipvs (the handle has its namespace)');
    checkOpenOptions({ netns: o.netns });
    if (o.onError !== undefined && typeof o.onError !== 'function') throw invalidType('options.onError', 'a function', o.onError);
    this.#given = o.ipvs as Ipvs | undefined;
    this.#netns = o.netns as string | number | undefined;
    this.#extras = new Set(checkExtras(o.extras));
    this.#backends = backendDescriptors(checkBackendLabels('options.backendLabels', o.backendLabels));
    this.#onError = o.onError as IpvsCollectorOptions['onError'];
    for (const s of this.#sources()) this.#errors.set(s, 0);
    this.descriptors = [...NODE_GLOBAL.map(([d]) => d), ...this.#backends, ...EXTRAS.filter((e) => this.#extras.has(e)).flatMap(extraDescriptors), ...SCRAPE];
  }

  /**
   * One scrape: every family of `descriptors`, in that order. Scrapes asked
   * for while one runs share it. Never rejects for the kernel's sake; rejects
   * with 'ERR_IPVS_CLOSED' after close().
   * @example
   * for (const family of await collector.collect()) console.log(family.name, family.series.length);
   */
  collect(): Promise<MetricFamily[]> {
    if (this.#closed) return Promise.reject(closedError('collect'));
    this.#inflight ??= this.#scrape().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /**
   * Registers every metric on a prom-client Registry (default: prom-client's
   * global `register`); each scrape of the registry reads the kernel once.
   * @example
   * import { Registry } from 'prom-client';
   * const registry = new Registry();
   * collector.register(registry);
   * console.log(await registry.metrics());
   */
  register(registry: MetricRegistry = defaultRegistry()): void {
    if (this.#closed) throw closedError('register');
    let shared: Promise<ReadonlyMap<string, MetricFamily>> | undefined;
    const families = () =>
      (shared ??= this.collect()
        .then((list) => new Map(list.map((f) => [f.name, f])))
        .finally(() => {
          shared = undefined;
        }));
    const register = registry.registerMetric as (m: unknown) => void;
    for (const d of this.descriptors) register.call(registry, promClientMetric(d, families));
    this.#registries.push(registry);
  }

  /**
   * Removes the metrics from the registries they were registered on and
   * closes the collector's own handle (not one given in the options).
   * @example
   * process.on('SIGTERM', () => collector.close());
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#registries) for (const d of this.descriptors) r.removeSingleMetric(d.name);
    this.#registries = [];
    this.#dropOwnHandle();
  }

  #sources(): ScrapeSource[] {
    const s: ScrapeSource[] = this.#given ? [] : ['open'];
    s.push('stats', 'backends');
    if (this.#extras.has('services') || this.#extras.has('destinations')) s.push('snapshot');
    if (this.#extras.has('connections')) s.push('connections');
    if (this.#extras.has('daemons')) s.push('daemons');
    return s;
  }

  #handle(): Promise<Ipvs> {
    if (this.#given) return Promise.resolve(this.#given);
    this.#own ??= Ipvs.open(this.#netns === undefined ? {} : { netns: this.#netns });
    return this.#own;
  }

  #dropOwnHandle(): void {
    const own = this.#own;
    this.#own = undefined;
    own?.then((h) => h.close(), () => undefined);
  }

  async #scrape(): Promise<MetricFamily[]> {
    const start = performance.now();
    let failed = false;
    const fail = (source: ScrapeSource, e: unknown) => {
      failed = true;
      this.#errors.set(source, (this.#errors.get(source) ?? 0) + 1);
      const err = e instanceof IpvsError ? e : toIpvsError(e, source);
      try {
        this.#onError?.(err, source);
      } catch {
        // A throwing callback must not fail the scrape.
      }
    };
    const ipvs = await this.#handle().catch((e: unknown) => void fail('open', e));
    const read = async <T>(source: ScrapeSource, wanted: boolean, f: (h: Ipvs) => Promise<T>): Promise<T | undefined> => {
      if (!ipvs || !wanted) return undefined;
      try {
        return await f(ipvs);
      } catch (e) {
        fail(source, e);
        return undefined;
      }
    };
    const x = this.#extras;
    const [stats, backends, table, counts, daemons] = await Promise.all([
      read<GlobalStats>('stats', true, (h) => h.globalStats()),
      read<ProcBackend[]>('backends', true, (h) => h[READ_BACKENDS]()),
      read<SnapshotService[]>('snapshot', x.has('services') || x.has('destinations'), (h) => h.snapshot()),
      read<ConnectionCounts>('connections', x.has('connections'), countConnections),
      read<Daemon[]>('daemons', x.has('daemons'), (h) => h.daemons()),
    ]);
    if (failed) this.#dropOwnHandle(); // a fresh socket for the next scrape
    const families = [...globalFamilies(stats), ...backendFamilies(this.#backends, backends)];
    if (x.has('services')) families.push(...serviceFamilies(stats, table));
    if (x.has('destinations')) families.push(...destinationFamilies(table));
    if (x.has('connections')) families.push(...connectionFamilies(counts));
    if (x.has('daemons')) families.push(...daemonFamilies(daemons));
    const [duration, success, errors] = SCRAPE as [MetricDescriptor, MetricDescriptor, MetricDescriptor];
    families.push(
      { ...duration, series: [{ labels: [], value: (performance.now() - start) / 1000 }] },
      { ...success, series: [{ labels: [], value: failed ? 0 : 1 }] },
      { ...errors, series: [...this.#errors].map(([source, n]) => ({ labels: [source], value: n })) },
    );
    return families;
  }
}

async function countConnections(ipvs: Ipvs): Promise<ConnectionCounts> {
  const counts = new ConnectionCounts();
  for await (const c of ipvs.eachConnection()) counts.add(c);
  return counts;
}

