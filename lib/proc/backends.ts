/**
 * /proc/net/ip_vs -> one row per destination with its service's identity:
 * weight and connection counts, the kernel's own listing of the table (the
 * source node_exporter reads; one read, much cheaper than a netlink dump per
 * service).
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port Forward Weight ActiveConn InActConn
 *   TCP  0A000002:01BB rr  persistent 36000 FFFFFFFF
 *     -> 7F000001:1F90      Masq    1      0          0
 *   FWM  00000001 wrr
 *   UDP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0035 lc
 *
 * Services: protocol (TCP, UDP, SCTP; FWM with the mark in hex), then the
 * address as host-order hex or a full IPv6 form in brackets, port in hex.
 * @module
 */
import { FULL_V6, HEX_V4, ipv4FromHex, ipv6FromFull } from './address';

export interface ProcBackend {
  /** As the kernel prints it: 'TCP', 'UDP', 'SCTP' or 'FWM'. */
  protocol: string;
  /** The service's address ('' for fwmark services). */
  serviceAddress: string;
  /** 0 for fwmark services. */
  servicePort: number;
  /** 0 unless a fwmark service. */
  fwmark: number;
  address: string;
  port: number;
  weight: number;
  activeConnections: number;
  inactiveConnections: number;
}

/** The service line the next `->` lines belong to. */
interface Current {
  protocol: string;
  address: string;
  port: number;
  fwmark: number;
}

const HEX = /^[0-9A-Fa-f]+$/;
// The kernel prints a mark as %08X of 32 bits: more digits are no mark.
const MARK = /^[0-9A-Fa-f]{1,8}$/;
const DECIMAL = /^-?[0-9]+$/;

/** 'C0A80001:0050' or '[2001:0db8:...:0001]:0050' -> address and port. */
function endpoint(token: string): [string, number] {
  const colon = token.lastIndexOf(':');
  const host = token.slice(0, colon);
  const port = token.slice(colon + 1);
  const v6 = host.length === 41 && host[0] === '[' && host[40] === ']' && FULL_V6.test(host.slice(1, 40));
  if (colon < 0 || port.length !== 4 || !HEX.test(port) || !(v6 || HEX_V4.test(host))) {
    throw new Error(`unexpected address in /proc/net/ip_vs: ${token}`);
  }
  return [v6 ? ipv6FromFull(host.slice(1, 40)) : ipv4FromHex(host), parseInt(port, 16)];
}

/** A weight or connection count: the kernel prints them as %d of an int. */
function decimal(token: string | undefined): number {
  const v = token !== undefined && DECIMAL.test(token) ? Number(token) : NaN;
  if (!(v >= -(2 ** 31) && v < 2 ** 31)) throw new Error(`unexpected number in /proc/net/ip_vs: ${String(token)}`);
  return v;
}

/**
 * Parses the file a piece of whole lines at a time (the service line a `->`
 * line belongs to may be in the previous piece), appending rows to `out`.
 */
export class BackendParser {
  #current: Current | undefined;

  constructor(readonly out: ProcBackend[] = []) {}

  feed(text: string): void {
    for (const line of text.split('\n')) {
      const t = line.trim().split(/\s+/);
      const first = t[0];
      if (!first || first === 'IP' || first === 'Prot' || t[1] === 'RemoteAddress:Port') continue;
      if (first === '->') {
        const s = this.#current;
        if (!s || t.length < 6) throw new Error(`unexpected line in /proc/net/ip_vs: ${line.trim()}`);
        const [address, port] = endpoint(t[1]!);
        this.out.push({
          protocol: s.protocol,
          serviceAddress: s.address,
          servicePort: s.port,
          fwmark: s.fwmark,
          address,
          port,
          weight: decimal(t[3]),
          activeConnections: decimal(t[4]),
          inactiveConnections: decimal(t[5]),
        });
      } else if (first === 'FWM') {
        if (!t[1] || !MARK.test(t[1])) throw new Error(`unexpected line in /proc/net/ip_vs: ${line.trim()}`);
        this.#current = { protocol: first, address: '', port: 0, fwmark: parseInt(t[1], 16) };
      } else {
        if (!t[1]) throw new Error(`unexpected line in /proc/net/ip_vs: ${line.trim()}`);
        const [address, port] = endpoint(t[1]);
        this.#current = { protocol: first, address, port, fwmark: 0 };
      }
    }
  }
}
