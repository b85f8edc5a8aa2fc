// A real kernel connection table of any size, fast: connections are created
// by the kernel's own backup sync daemon from sync messages (protocol v1,
// ip_vs_sync.c) that we send it, instead of by real traffic (a million
// handshakes would take an hour in the test kernel). The daemon runs in a
// namespace of its own, joined to this one by a veth pair; the entries are
// the kernel's, so /proc/net/ip_vs_conn, ipvsadm -Lnc and ipvs read them as
// any other. Documentation addresses only, as in topology.ts.
import { createSocket } from 'node:dgram';
import { Ipvs } from '../../lib/index';
import { connectNamespace, createNamespace, sh } from './topology';

const MTU = 9500;
const PER_MESSAGE = 255; // nr_conns is one byte
const MAX_MESSAGE = MTU - 28 - 500; // one unfragmented datagram, well within the daemon's buffer
const V4_SIZE = 36; // struct ip_vs_sync_v4
const V6_SIZE = 72; // struct ip_vs_sync_v6
const TEMPLATE = 0x1000; // IP_VS_CONN_F_TEMPLATE
const TCP_ESTABLISHED = 1;

export interface BigTable {
  /** The namespace holding the table. */
  ns: string;
  /** A handle bound to it. */
  ipvs: Ipvs;
  teardown(): Promise<void>;
}

/**
 * Entry i: TCP ESTABLISHED from 198.51.100.x / 2001:db8:1::x to VIP:80; every
 * 10th IPv6, every 5th UDP to :53, every 50th a persistence template (of a
 * service on port 1024 + i / 256).
 */
function entry(buf: Buffer, at: number, i: number): number {
  const v6 = i % 10 === 9;
  const template = i % 50 === 7;
  const udp = !template && i % 5 === 3;
  const size = v6 ? V6_SIZE : V4_SIZE;
  buf.fill(0, at, at + size);
  buf[at] = v6 ? 1 : 0; // STYPE_F_INET6
  buf[at + 1] = udp ? 17 : 6;
  buf.writeUInt16BE(size, at + 2); // version 0, size
  buf.writeUInt32BE(template ? TEMPLATE : 0, at + 4); // flags: masq
  buf.writeUInt16BE(template || udp ? 0 : TCP_ESTABLISHED, at + 8);
  buf.writeUInt16BE(template ? 0 : 1024 + (i >>> 8), at + 10); // cport
  // Templates have client port 0: unique by their (persistent) service port instead.
  buf.writeUInt16BE(template ? 1024 + (i >>> 8) : udp ? 53 : 80, at + 12); // vport
  buf.writeUInt16BE(8080, at + 14); // dport
  buf.writeUInt32BE(3600, at + 20); // timeout, seconds
  if (v6) {
    const a = at + 24;
    for (const [off, last] of [[0, i], [16, 1], [32, 0x20000 + (i & 15)]] as const) {
      buf.writeUInt32BE(0x20010db8, a + off);
      buf.writeUInt32BE(off === 32 ? 2 : 1, a + off + 4);
      buf.writeUInt32BE(last >>> 0, a + off + 12);
    }
  } else {
    buf.writeUInt32BE((0xc6336400 | (i & 0xff)) >>> 0, at + 24); // 198.51.100.x
    buf.writeUInt32BE(0xc6336401, at + 28); // 198.51.100.1
    buf.writeUInt32BE((0xcb007100 | (2 + (i & 15))) >>> 0, at + 32); // 203.0.113.x
  }
  return size;
}

/** One sync message starting at entry `from`, as many entries as fit; and the next entry. */
function message(from: number, count: number): [Buffer, number] {
  const buf = Buffer.alloc(MAX_MESSAGE);
  let at = 8;
  let i = from;
  while (i < count && i - from < PER_MESSAGE && at + V6_SIZE <= MAX_MESSAGE) at += entry(buf, at, i++);
  buf[0] = 0; // reserved
  buf[1] = 0; // sync id
  buf.writeUInt16BE(at, 2);
  buf[4] = i - from;
  buf[5] = 1; // SYNC_PROTO_VER
  return [buf.subarray(0, at), i];
}

/** Makes namespace `ns` hold `count` connection entries (about 1.5 s per 100,000 in UML). */
export async function bigTable(count: number, ns = 'ipvs-big'): Promise<BigTable> {
  const link = 'ipvs-bigl';
  await createNamespace(ns);
  await sh('ip', 'link', 'del', link).catch(() => undefined);
  await connectNamespace(ns, { hostIf: link, hostAddrs: ['192.0.2.129/25'], nsAddrs: ['192.0.2.130/25'] });
  await sh('ip', 'link', 'set', link, 'mtu', String(MTU));
  await sh('ip', '-n', ns, 'link', 'set', 'eth0', 'mtu', String(MTU));
  // Room for bursts in the daemon's socket (sync_sock_size is capped by rmem_max).
  await sh('sysctl', '-qw', 'net.core.rmem_max=67108864');
  await sh('ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.vs.sync_sock_size=33554432');
  const ipvs = await Ipvs.open({ netns: `/run/netns/${ns}` });
  const teardown = async () => {
    ipvs.close();
    await sh('ip', 'netns', 'del', ns).catch(() => undefined);
    await sh('ip', 'link', 'del', link).catch(() => undefined);
  };
  try {
    await ipvs.startDaemon({ state: 'backup', interface: 'eth0', maxLength: MTU - 28 });
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '192.0.2.129', resolve));
    sock.setMulticastInterface('192.0.2.129');
    const send = (b: Buffer) => new Promise<void>((resolve, reject) => sock.send(b, 8848, '224.0.0.81', (e) => (e ? reject(e) : resolve())));
    try {
      // Paced: a burst, then a pause for the daemon (one CPU in UML); missing
      // entries are sent again (a repeat only refreshes an entry).
      for (let pass = 0; pass < 5; pass++) {
        for (let i = 0, sent = 0; i < count; sent++) {
          const [msg, next] = message(i, count);
          await send(msg);
          i = next;
          if (sent % 64 === 63) await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 500));
        let n = 0;
        for await (const _ of ipvs.eachConnection()) n++;
        if (n >= count) break;
        if (pass === 4) throw new Error(`the backup daemon made ${n} of ${count} entries`);
      }
    } finally {
      sock.close();
    }
    await ipvs.stopDaemon('backup');
    return { ns, ipvs, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}
