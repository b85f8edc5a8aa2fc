/**
 * ipvs/prometheus: Prometheus metrics of the kernel's IPVS, series for
 * series compatible with node_exporter's ipvs collector, plus opt-in
 * extras; for a prom-client Registry (prom-client is an optional peer
 * dependency) or as text (no prom-client needed).
 * @module
 */
export { IpvsCollector, type IpvsCollectorOptions, type ScrapeSource } from './collector';
export { EXTRAS, type Extra } from './extras';
export type { MetricDescriptor, MetricFamily, MetricType, Series } from './family';
export { BACKEND_LABELS, type BackendLabel } from './node-exporter';
export type { MetricRegistry } from './prom-client';
export { TEXT_CONTENT_TYPE, textChunks, toText, writeText } from './text';
