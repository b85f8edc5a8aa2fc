/**
 * The collector's neutral form of metrics, between the kernel's tables and
 * an output (the text exposition format, or a prom-client Registry).
 * @module
 */

export type MetricType = 'counter' | 'gauge';

/** What a metric is: name, HELP text, type and label names (in output order). */
export interface MetricDescriptor {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
}

/** One time series: label values in the descriptor's labelNames order, and the value. */
export interface Series {
  labels: string[];
  /** Kernel counters are 64-bit: bigint, exact; rates, gauges and the scrape's own figures are numbers. */
  value: number | bigint;
}

/** A metric with the series one scrape found. */
export interface MetricFamily extends MetricDescriptor {
  series: Series[];
}

export function descriptor(name: string, type: MetricType, help: string, labelNames: readonly string[] = []): MetricDescriptor {
  return { name, help, type, labelNames };
}

/** An empty family of `d`, to be filled. */
export function emptyFamily(d: MetricDescriptor): MetricFamily {
  return { ...d, series: [] };
}
