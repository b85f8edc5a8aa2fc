/**
 * What node_exporter cannot show, under ipvs_* names (never node_ipvs_*, so
 * dashboards built on node_exporter's series see no change): per-service and
 * per-destination 64-bit counters and rates, weights, thresholds and
 * settings, connection-table counts by state, sync daemons. Each group is
 * opt-in: per-destination series on a large table are many.
 * @module
 */
import type { Connection, Daemon, Destination, GlobalStats, SnapshotService, Stats } from '../types';
import { descriptor, emptyFamily, type MetricDescriptor, type MetricFamily } from './family';
import { goAddress, markLabel } from './labels';

/** The opt-in groups of series, in output order. */
export const EXTRAS = ['services', 'destinations', 'connections', 'daemons'] as const;
export type Extra = (typeof EXTRAS)[number];

/** A service's identity, with node_exporter's label names and formats (and the family: fwmarks repeat across families). */
const SERVICE_LABELS = ['proto', 'family', 'local_address', 'local_port', 'local_mark'];
const DESTINATION_LABELS = [...SERVICE_LABELS, 'remote_address', 'remote_port'];

type Counter = 'connections' | 'inPackets' | 'outPackets' | 'inBytes' | 'outBytes';
type Rate = 'cps' | 'inPps' | 'outPps' | 'inBps' | 'outBps';

const COUNTERS: ReadonlyArray<readonly [Counter, string, string]> = [
  ['connections', 'connections_total', 'Connections scheduled to the {}'],
  ['inPackets', 'incoming_packets_total', 'Packets from clients to the {}'],
  ['outPackets', 'outgoing_packets_total', 'Packets from the {} to clients'],
  ['inBytes', 'incoming_bytes_total', 'Bytes from clients to the {}'],
  ['outBytes', 'outgoing_bytes_total', 'Bytes from the {} to clients'],
];
const RATES: ReadonlyArray<readonly [Rate, string, string]> = [
  ['cps', 'connections_per_second', 'New connections per second to the {}'],
  ['inPps', 'incoming_packets_per_second', 'Packets per second from clients to the {}'],
  ['outPps', 'outgoing_packets_per_second', 'Packets per second from the {} to clients'],
  ['inBps', 'incoming_bytes_per_second', 'Bytes per second from clients to the {}'],
  ['outBps', 'outgoing_bytes_per_second', 'Bytes per second from the {} to clients'],
];
const COUNTER_NOTE = ', since it was added or zeroed (the kernel\'s 64-bit counter).';
const RATE_NOTE = ', as the kernel\'s rate estimator gives it (smoothed over several seconds).';

function statDescriptors(prefix: string, what: string, labels: readonly string[]): MetricDescriptor[] {
  return [
    ...COUNTERS.map(([, n, h]) => descriptor(`${prefix}_${n}`, 'counter', h.replace('{}', what) + COUNTER_NOTE, labels)),
    ...RATES.map(([, n, h]) => descriptor(`${prefix}_${n}`, 'gauge', h.replace('{}', what) + RATE_NOTE, labels)),
  ];
}

function pushStats(families: MetricFamily[], at: number, labels: string[], s: Stats): void {
  for (let i = 0; i < COUNTERS.length; i++) families[at + i]!.series.push({ labels, value: s[COUNTERS[i]![0]] });
  for (let i = 0; i < RATES.length; i++) families[at + COUNTERS.length + i]!.series.push({ labels, value: s[RATES[i]![0]] });
}

const STAT_COUNT = COUNTERS.length + RATES.length;

const GLOBAL_RATES = RATES.map(([f, n, h]) => [f, descriptor(`ipvs_${n}`, 'gauge', h.replace('the {}', 'all services') + RATE_NOTE)] as const);

const SERVICE = [
  ...statDescriptors('ipvs_service', 'service', SERVICE_LABELS),
  descriptor('ipvs_service_info', 'gauge', 'A service\'s settings as labels; the value is 1.', [...SERVICE_LABELS, 'scheduler', 'flags', 'pe', 'persistence_netmask']),
  descriptor('ipvs_service_persistence_timeout_seconds', 'gauge', 'How long a client stays with its real server (0: not persistent).', SERVICE_LABELS),
  descriptor('ipvs_service_destinations', 'gauge', 'Real servers of the service.', SERVICE_LABELS),
];

const DESTINATION = [
  ...statDescriptors('ipvs_destination', 'real server', DESTINATION_LABELS),
  descriptor('ipvs_destination_info', 'gauge', 'A real server\'s forwarding method and tunnel as labels; the value is 1.', [...DESTINATION_LABELS, 'forwarding', 'tunnel_type', 'tunnel_port', 'tunnel_checksum']),
  descriptor('ipvs_destination_weight', 'gauge', 'The real server\'s weight (0: takes no new connections).', DESTINATION_LABELS),
  descriptor('ipvs_destination_upper_threshold', 'gauge', 'Connections above which the real server takes no new ones (0: no limit).', DESTINATION_LABELS),
  descriptor('ipvs_destination_lower_threshold', 'gauge', 'Connections below which an overloaded real server takes new ones again (0: not set).', DESTINATION_LABELS),
  descriptor('ipvs_destination_persistent_connections', 'gauge', 'Persistence templates pointing at the real server.', DESTINATION_LABELS),
];

const CONNECTIONS = [
  descriptor('ipvs_connections', 'gauge', 'Entries of the connection table by protocol and state, persistence templates not included.', ['proto', 'state']),
  descriptor('ipvs_persistence_templates', 'gauge', 'Persistence templates in the connection table by protocol (IP: of fwmark services).', ['proto']),
];

const DAEMONS = [
  descriptor('ipvs_sync_daemon_running', 'gauge', 'Whether the connection-synchronisation daemon of this state runs.', ['state']),
  descriptor('ipvs_sync_daemon_info', 'gauge', 'A running sync daemon\'s settings as labels; the value is 1.', ['state', 'interface', 'sync_id', 'group', 'port', 'ttl', 'max_length']),
];

/** The descriptors a group emits, in output order. */
export function extraDescriptors(group: Extra): MetricDescriptor[] {
  switch (group) {
    case 'services':
      return [...GLOBAL_RATES.map(([, d]) => d), ...SERVICE];
    case 'destinations':
      return DESTINATION;
    case 'connections':
      return CONNECTIONS;
    case 'daemons':
      return DAEMONS;
  }
}

function serviceLabels(s: SnapshotService): string[] {
  if ('fwmark' in s) return ['FWM', s.family, '', '0', markLabel(s.fwmark)];
  return [s.protocol.toUpperCase(), s.family, goAddress(s.address), String(s.port), ''];
}

function flagsLabel(s: SnapshotService): string {
  const f = s.flags;
  const names: string[] = [];
  if (f.onePacket) names.push('one-packet');
  if (f.schedFlag1) names.push('sched-flag-1');
  if (f.schedFlag2) names.push('sched-flag-2');
  if (f.schedFlag3) names.push('sched-flag-3');
  return names.join(',');
}

/** Rates over all services (from /proc/net/ip_vs_stats) and the per-service series. */
export function serviceFamilies(stats: GlobalStats | undefined, table: readonly SnapshotService[] | undefined): MetricFamily[] {
  const global = GLOBAL_RATES.map(([field, d]) => ({ ...d, series: stats ? [{ labels: [], value: stats[field] }] : [] }));
  const out = SERVICE.map(emptyFamily);
  for (const s of table ?? []) {
    const labels = serviceLabels(s);
    pushStats(out, 0, labels, s.stats);
    out[STAT_COUNT]!.series.push({ labels: [...labels, s.scheduler, flagsLabel(s), s.pe ?? '', s.persistence ? String(s.persistence.netmask) : ''], value: 1 });
    out[STAT_COUNT + 1]!.series.push({ labels, value: s.persistence?.timeout ?? 0 });
    out[STAT_COUNT + 2]!.series.push({ labels, value: s.destinations.length });
  }
  return [...global, ...out];
}

function destinationInfo(d: Destination): string[] {
  const t = d.tunnel;
  return [d.forwarding, t?.type ?? '', t && t.type === 'gue' ? String(t.port) : '', t?.checksum ?? ''];
}

export function destinationFamilies(table: readonly SnapshotService[] | undefined): MetricFamily[] {
  const out = DESTINATION.map(emptyFamily);
  for (const s of table ?? []) {
    const service = serviceLabels(s);
    for (const d of s.destinations) {
      const labels = [...service, goAddress(d.address), String(d.port)];
      pushStats(out, 0, labels, d.stats);
      out[STAT_COUNT]!.series.push({ labels: [...labels, ...destinationInfo(d)], value: 1 });
      out[STAT_COUNT + 1]!.series.push({ labels, value: d.weight });
      out[STAT_COUNT + 2]!.series.push({ labels, value: d.upperThreshold });
      out[STAT_COUNT + 3]!.series.push({ labels, value: d.lowerThreshold });
      out[STAT_COUNT + 4]!.series.push({ labels, value: d.persistentConnections });
    }
  }
  return out;
}

/** Counts of the connection table, gathered a row at a time (the table can hold millions). */
export class ConnectionCounts {
  readonly byState = new Map<string, number>();
  readonly templates = new Map<string, number>();

  add(c: Connection): void {
    const proto = c.protocol.toUpperCase();
    if (c.template) {
      this.templates.set(proto, (this.templates.get(proto) ?? 0) + 1);
    } else {
      const key = `${proto}\0${c.state}`;
      this.byState.set(key, (this.byState.get(key) ?? 0) + 1);
    }
  }
}

export function connectionFamilies(counts: ConnectionCounts | undefined): MetricFamily[] {
  const [byState, templates] = CONNECTIONS.map(emptyFamily) as [MetricFamily, MetricFamily];
  for (const [key, n] of counts?.byState ?? []) byState.series.push({ labels: key.split('\0'), value: n });
  for (const [proto, n] of counts?.templates ?? []) templates.series.push({ labels: [proto], value: n });
  return [byState, templates];
}

export function daemonFamilies(daemons: readonly Daemon[] | undefined): MetricFamily[] {
  const [running, info] = DAEMONS.map(emptyFamily) as [MetricFamily, MetricFamily];
  if (!daemons) return [running, info];
  for (const state of ['master', 'backup'] as const) {
    const d = daemons.find((x) => x.state === state);
    running.series.push({ labels: [state], value: d ? 1 : 0 });
    if (d) info.series.push({ labels: [state, d.interface, String(d.syncId), d.group, String(d.port), String(d.ttl), String(d.maxLength)], value: 1 });
  }
  return [running, info];
}
