/**
 * Kernel values behind the public names (include/uapi/linux/ip_vs.h,
 * linux/socket.h, netinet/in.h). The one place that maps names to numbers.
 * @module
 */
import type { DaemonState, Family, Forwarding, Protocol, TunnelChecksum, TunnelType } from './types';

export const AF = { inet: 2, inet6: 10 } as const satisfies Record<Family, number>;

export const PROTOCOL = { tcp: 6, udp: 17, sctp: 132 } as const satisfies Record<Protocol, number>;

/** IP_VS_CONN_F_MASQ / LOCALNODE / TUNNEL / DROUTE. */
export const FORWARDING = { masq: 0, local: 1, tunnel: 2, route: 3 } as const satisfies Record<Forwarding, number>;

/** IP_VS_CONN_F_TUNNEL_TYPE_*. */
export const TUNNEL_TYPE = { ipip: 0, gue: 1, gre: 2 } as const satisfies Record<TunnelType, number>;

/** IP_VS_TUNNEL_ENCAP_FLAG_*. */
export const TUNNEL_CHECKSUM = { none: 0, csum: 1, remcsum: 2 } as const satisfies Record<TunnelChecksum, number>;

/** IP_VS_SVC_F_*. HASHED (0x2) is kernel-internal and never exposed. */
export const SVC_FLAG = {
  persistent: 0x1,
  onePacket: 0x4,
  schedFlag1: 0x8,
  schedFlag2: 0x10,
  schedFlag3: 0x20,
} as const;

/** IP_VS_STATE_MASTER / BACKUP (sync daemons). */
export const DAEMON_STATE = { master: 1, backup: 2 } as const satisfies Record<DaemonState, number>;

/** The schedulers of mainline kernels (twos since 5.12). */
export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;

/** ipvsadm's limits, which the kernel's jiffies arithmetic relies on. */
export const MAX_PERSISTENCE_TIMEOUT = 2678400; // 31 days
export const MAX_CONNECTION_TIMEOUT = 2678400;
export const MAX_WEIGHT = 2147483647; // INT_MAX: the kernel rejects negative ints
export const NAME_MAX_LENGTH = 15; // IP_VS_SCHEDNAME_MAXLEN / PENAME_MAXLEN - 1

/** Reverse lookup: kernel number -> public name. */
export function nameOf<K extends string>(table: Record<K, number>, value: number): K | undefined {
  for (const [name, v] of Object.entries(table) as [K, number][]) if (v === value) return name;
  return undefined;
}
