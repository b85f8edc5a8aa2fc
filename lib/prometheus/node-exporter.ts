/**
 * node_exporter's ipvs collector (collector/ipvs_linux.go), series for
 * series: the same names, types, HELP texts, label names and label value
 * formats, from the same kernel sources (/proc/net/ip_vs_stats and
 * /proc/net/ip_vs), with its rule of summing destinations whose kept labels
 * are equal (its --collector.ipvs.backend-labels). One deliberate difference:
 * node_exporter does not recognise SCTP services and counts their
 * destinations under the service listed before them; here they are SCTP.
 * @module
 */
import { invalidType, invalidValue } from '../errors';
import type { ProcBackend } from '../proc/backends';
import type { GlobalStats } from '../types';
import { descriptor, emptyFamily, type MetricDescriptor, type MetricFamily } from './family';
import { goAddress, markLabel } from './labels';

/** The global counters, in node_exporter's order, with the GlobalStats field each reads. */
export const NODE_GLOBAL: ReadonlyArray<readonly [MetricDescriptor, 'connections' | 'inPackets' | 'outPackets' | 'inBytes' | 'outBytes']> = [
  [descriptor('node_ipvs_connections_total', 'counter', 'The total number of connections made.'), 'connections'],
  [descriptor('node_ipvs_incoming_packets_total', 'counter', 'The total number of incoming packets.'), 'inPackets'],
  [descriptor('node_ipvs_outgoing_packets_total', 'counter', 'The total number of outgoing packets.'), 'outPackets'],
  [descriptor('node_ipvs_incoming_bytes_total', 'counter', 'The total amount of incoming data.'), 'inBytes'],
  [descriptor('node_ipvs_outgoing_bytes_total', 'counter', 'The total amount of outgoing data.'), 'outBytes'],
];

/** node_exporter's backend labels, in its declared order (the default set). */
export const BACKEND_LABELS = ['local_address', 'local_port', 'remote_address', 'remote_port', 'proto', 'local_mark'] as const;
export type BackendLabel = (typeof BACKEND_LABELS)[number];

/**
 * The kept backend labels, as node_exporter parses its flag: duplicates and
 * empty names ignored, unknown names refused (listed sorted, in its words).
 * Output order is by name, as Go's client prints labels.
 */
export function checkBackendLabels(name: string, v: unknown): BackendLabel[] {
  if (v === undefined) return [...BACKEND_LABELS].sort();
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidType(name, 'an array of label names', v);
  const unknown = [...new Set(v.filter((x) => x !== '' && !(BACKEND_LABELS as readonly string[]).includes(x)))].sort();
  if (unknown.length) throw invalidValue(name, v, `has unknown IPVS backend labels: "${unknown.join(', ')}"`);
  return BACKEND_LABELS.filter((l) => v.includes(l)).sort();
}

export function backendDescriptors(labels: readonly BackendLabel[]): MetricDescriptor[] {
  return [
    descriptor('node_ipvs_backend_connections_active', 'gauge', 'The current active connections by local and remote address.', labels),
    descriptor('node_ipvs_backend_connections_inactive', 'gauge', 'The current inactive connections by local and remote address.', labels),
    descriptor('node_ipvs_backend_weight', 'gauge', 'The current backend weight by local and remote address.', labels),
  ];
}

/** The five global counters (empty families when the read failed). */
export function globalFamilies(stats: GlobalStats | undefined): MetricFamily[] {
  return NODE_GLOBAL.map(([d, field]) => ({ ...d, series: stats ? [{ labels: [], value: stats[field] }] : [] }));
}

function labelValue(label: BackendLabel, b: ProcBackend): string {
  switch (label) {
    case 'local_address':
      return goAddress(b.serviceAddress);
    case 'local_port':
      return String(b.servicePort);
    case 'remote_address':
      return goAddress(b.address);
    case 'remote_port':
      return String(b.port);
    case 'proto':
      return b.protocol;
    case 'local_mark':
      return b.fwmark ? markLabel(b.fwmark) : '';
  }
}

/**
 * The three backend gauges: one series per distinct tuple of the kept
 * labels, active, inactive and weight summed over the destinations that
 * share it. `descriptors` come from backendDescriptors().
 */
export function backendFamilies(descriptors: readonly MetricDescriptor[], backends: readonly ProcBackend[] | undefined): MetricFamily[] {
  const [active, inactive, weight] = descriptors.map(emptyFamily) as [MetricFamily, MetricFamily, MetricFamily];
  if (!backends) return [active, inactive, weight];
  const labels = active.labelNames as readonly BackendLabel[];
  const sums = new Map<string, [string[], number, number, number]>();
  for (const b of backends) {
    const values = labels.map((l) => labelValue(l, b));
    const key = values.join('\0');
    const sum = sums.get(key);
    if (sum) {
      sum[1] += b.activeConnections;
      sum[2] += b.inactiveConnections;
      sum[3] += b.weight;
    } else {
      sums.set(key, [values, b.activeConnections, b.inactiveConnections, b.weight]);
    }
  }
  for (const [values, a, i, w] of sums.values()) {
    active.series.push({ labels: values, value: a });
    inactive.series.push({ labels: values, value: i });
    weight.series.push({ labels: values, value: w });
  }
  return [active, inactive, weight];
}
