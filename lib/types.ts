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

/** A service with its destinations: an entry of snapshot(). */
export type SnapshotService = Service & { destinations: Destination[] };

/**
 * A service as apply() wants it: a spec (read-only fields such as stats are
 * ignored), with the complete list of its destinations, or without
 * `destinations` to leave them as they are.
 */
export type DesiredService = ServiceSpec & { destinations?: DestinationSpec[] };

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
  /**
   * The network namespace the handle works in, for its whole life: a path
   * ('/run/netns/blue', '/proc/1234/ns/net') or an open file descriptor of
   * one (copied; close yours when you like). Default: the process's own.
   * The Node process and libuv's threads never change namespace.
   */
  netns?: string | number;
}

/** TCP, SCTP and persistence-template states, as the kernel names them. */
export type ConnectionState =
  | 'NONE' | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE' | 'CLOSE_WAIT'
  | 'LAST_ACK' | 'LISTEN' | 'SYNACK' | 'ASSURED'
  | 'INIT1' | 'INIT' | 'C-SENT' | 'C-REPLIED' | 'C-WAIT' | 'COOKIE' | 'C-ECHOED' | 'S-SENT' | 'S-RECEIVED'
  | 'S-ACK-SENT' | 'REJECTED' | 'CLOSED'
  | (string & {});

/** One entry of the kernel's connection table (/proc/net/ip_vs_conn). */
export interface Connection {
  /** 'tcp', 'udp', 'sctp'; 'ip' for persistence templates of fwmark services. */
  protocol: Protocol | 'ip' | (string & {});
  /** Family of the client and virtual addresses (the destination's may differ: tunnels). */
  family: Family;
  clientAddress: string;
  /** 0 for persistence templates. */
  clientPort: number;
  virtualAddress: string;
  virtualPort: number;
  destinationAddress: string;
  destinationPort: number;
  /** 'ESTABLISHED', 'TIME_WAIT', ...; 'NONE' for UDP (stateless; ipvsadm shows 'UDP'). */
  state: ConnectionState;
  /** Seconds until the entry expires. */
  expires: number;
  /**
   * A persistence template rather than a client connection: client port 0,
   * client address masked with the service's persistence netmask, state
   * 'NONE' or 'ASSURED'.
   */
  template: boolean;
  /** Templates of fwmark services: the mark (the kernel stores it as the virtual address). */
  fwmark?: number;
  /** Persistence-engine data (templates of services with a `pe`, e.g. SIP Call-IDs). */
  pe?: { name: string; data: string };
  /** Only with `withOrigin`: 'local', or 'sync' when learnt from a master sync daemon. */
  origin?: 'local' | 'sync';
}

/** Which connections to read; every given criterion must match. */
export interface ConnectionQuery {
  /** The virtual side: any of protocol, address, port, family (fwmark services: filter by destination). */
  service?: { protocol?: Protocol; address?: string; port?: number; family?: Family };
  destination?: { address?: string; port?: number; family?: Family };
  client?: { address?: string; port?: number };
  /** One state or several ('ESTABLISHED', ['SYN_RECV', 'ESTABLISHED']). */
  state?: ConnectionState | ConnectionState[];
  /** true: only persistence templates; false: only client connections. */
  template?: boolean;
  /**
   * Read /proc/net/ip_vs_conn_sync instead, which adds each row's `origin`
   * but has no persistence-engine data.
   */
  withOrigin?: boolean;
}

/** Connection and traffic counters of one CPU (global statistics). */
export interface CpuStats {
  cpu: number;
  connections: bigint;
  inPackets: bigint;
  outPackets: bigint;
  inBytes: bigint;
  outBytes: bigint;
}

/** The namespace's totals over every service (/proc/net/ip_vs_stats) and per CPU. */
export interface GlobalStats extends Stats {
  /** One entry per possible CPU; empty when the kernel has no per-CPU file. */
  perCpu: CpuStats[];
}

export type DaemonState = 'master' | 'backup';

/** What startDaemon() takes: ipvsadm --start-daemon's options. */
export interface DaemonSpec {
  state: DaemonState;
  /** Multicast interface, e.g. 'eth0' (ipvsadm --mcast-interface). */
  interface: string;
  /** 0..255, default 0 (a backup with 0 accepts every id). */
  syncId?: number;
  /** Largest sync message, 1..65507 bytes; default from the interface MTU. */
  maxLength?: number;
  /** IPv4 or IPv6 multicast group; default 224.0.0.81. */
  group?: string;
  /** UDP port 1..65535; default 8848. */
  port?: number;
  /** Multicast TTL 1..255; default 1. */
  ttl?: number;
}

/** A running sync daemon, with the kernel's effective values. */
export interface Daemon extends Required<DaemonSpec> {}
