/**
 * The collector's families as prom-client metrics: one custom metric object
 * per family, registered with Registry#registerMetric (prom-client 14 and
 * 15), whose get() reads the families of the current scrape. prom-client
 * calls every metric's get() in the same turn of the event loop, so one
 * scrape of the registry reads the kernel once.
 * @module
 */
import type { MetricDescriptor, MetricFamily } from './family';

/** What the collector uses of a prom-client Registry (any Registry of prom-client 14 or 15 has it). */
export interface MetricRegistry {
  /** Adds a metric (prom-client's Registry#registerMetric). */
  registerMetric(metric: never): void;
  /** Removes a metric by name (prom-client's Registry#removeSingleMetric). */
  removeSingleMetric(name: string): void;
}

/** A sample as prom-client's registry renders it. */
interface PromValue {
  labels: Record<string, string>;
  value: number;
}

/** prom-client's metric interface, as its registry calls it. */
export interface PromClientMetric {
  name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator: string;
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: PromValue[] }>;
  reset(): void;
}

/**
 * prom-client holds numbers: a 64-bit counter becomes the nearest double
 * (exact up to 2^53, as Prometheus itself stores it).
 */
function values(f: MetricFamily): PromValue[] {
  const names = f.labelNames;
  return f.series.map((s) => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) labels[names[i]!] = s.labels[i]!;
    return { labels, value: Number(s.value) };
  });
}

/** A metric object for `d` whose values come from `families()` (one scrape, shared). */
export function promClientMetric(d: MetricDescriptor, families: () => Promise<ReadonlyMap<string, MetricFamily>>): PromClientMetric {
  return {
    // In OpenMetrics mode prom-client renames counters (drops "_total") before get(): keep its name.
    name: d.name,
    help: d.help,
    type: d.type,
    // Under prom-client's AggregatorRegistry every worker reads the same kernel: keep one copy.
    aggregator: 'first',
    async get() {
      const f = (await families()).get(d.name);
      return { name: this.name, help: d.help, type: d.type, aggregator: 'first', values: f ? values(f) : [] };
    },
    reset() {
      // Values are the kernel's: nothing to reset.
    },
  };
}

/** prom-client's default registry, loaded only when wanted (prom-client is an optional peer). */
export function defaultRegistry(): MetricRegistry {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('prom-client') as { register: MetricRegistry }).register;
  } catch (e) {
    throw Object.assign(new Error('ipvs/prometheus: prom-client is not installed (npm install prom-client); or pass a registry'), { code: 'ERR_MODULE_NOT_FOUND', cause: e });
  }
}
