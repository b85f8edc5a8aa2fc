/**
 * Public types of the package.
 * @module
 */

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type Family = 'inet' | 'inet6';

/** A service addressed by protocol, virtual address and port. */
export interface AddressServiceKey {
  protocol: Protocol;
  /** IPv4 or IPv6 address as written by people: '10.1.0.1', '2001:db8::1'. */
  address: string;
  port: number;
  /** Optional; must match the address when given (services read back carry it). */
  family?: Family;
}

/** A service matching packets by firewall mark. */
export interface FwmarkServiceKey {
  fwmark: number;
  /** Default 'inet'. */
  family?: Family;
}

export type ServiceKey = AddressServiceKey | FwmarkServiceKey;

/** Kernel schedulers; any other module name `ip_vs_<name>` is accepted too. */
export type Scheduler =
  | 'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'dh' | 'sh' | 'sed' | 'nq'
  | 'fo' | 'ovf' | 'mh' | 'twos' | 'none'
  | (string & {});

export interface Persistence {
  /** Seconds, 1..2678400 (31 days). */
  timeout: number;
  /**
   * Clients grouped for persistence. IPv4: a mask ('255.255.255.0') or prefix
   * length (24), default '255.255.255.255'. IPv6: prefix length 1..128, default 128.
   */
  netmask?: string | number;
}

export interface ServiceFlags {
  /** One-packet scheduling (UDP and fwmark services). */
  onePacket?: boolean;
  /** sh-fallback / mh-fallback. */
  schedFlag1?: boolean;
  /** sh-port / mh-port. */
  schedFlag2?: boolean;
  schedFlag3?: boolean;
}

export interface ServiceSettings {
  /** Default 'wlc'. */
  scheduler?: Scheduler;
  /** Absent: not persistent. */
  persistence?: Persistence;
  flags?: ServiceFlags;
  /** Persistence engine, e.g. 'sip'. */
  pe?: string;
}

/** What addService/updateService take: a key plus settings. */
export type ServiceSpec = ServiceKey & ServiceSettings;

export interface Stats {
  /** Connections scheduled since the last zero. */
  connections: bigint;
  inPackets: bigint;
  outPackets: bigint;
  inBytes: bigint;
  outBytes: bigint;
  /** Estimated connections per second. */
  cps: number;
  inPps: number;
  outPps: number;
  /** Estimated bytes per second. */
  inBps: number;
  outBps: number;
}

interface ServiceState {
  family: Family;
  scheduler: string;
  persistence?: { timeout: number; netmask: string | number };
  flags: Required<ServiceFlags>;
  pe?: string;
  stats: Stats;
}

/** A service as the kernel reports it; also valid as a ServiceSpec. */
export type Service = (Omit<AddressServiceKey, 'family'> & ServiceState) | (Omit<FwmarkServiceKey, 'family'> & ServiceState);

export type Forwarding = 'masq' | 'local' | 'tunnel' | 'route';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'none' | 'csum' | 'remcsum';

export interface TunnelOptions {
  /** Default 'ipip'. */
  type: TunnelType;
  /** GUE only: the UDP port, required there. */
  port?: number;
  /** Default 'none'; 'remcsum' is GUE only. */
  checksum?: TunnelChecksum;
}

/** Identity of a destination within its service. */
export interface DestinationKey {
  address: string;
  port: number;
}

export interface DestinationSpec extends DestinationKey {
  /** Default 'masq' (NAT). */
  forwarding?: Forwarding;
  /** 0..2147483647, default 1; 0 takes no new connections. */
  weight?: number;
  /** Connection limits, 0 = none. */
  upperThreshold?: number;
  lowerThreshold?: number;
  /** Only with forwarding 'tunnel'; default { type: 'ipip' }. */
  tunnel?: TunnelOptions;
}

/** A destination as the kernel reports it; also valid as a DestinationSpec. */
export interface Destination extends DestinationKey {
  /** May differ from the service's for tunnel destinations. */
  family: Family;
  forwarding: Forwarding;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnel?: Required<TunnelOptions>;
  activeConnections: number;
  inactiveConnections: number;
  persistentConnections: number;
  stats: Stats;
}

export interface Info {
  /** IPVS version, '1.2.1' on every current kernel. */
  version: string;
  /** Connection hash table size (0 on 7.x kernels before the first service). */
  connectionTableSize: number;
}

/** Connection timeouts in seconds. */
export interface Timeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface OpenOptions {
  /** How long to wait for each reply datagram from the kernel, ms (1..3600000). Default 30000. */
  timeout?: number;
}
