#include "codec.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "../netlink/error.h"
#include "constants.h"

namespace ipvs {

namespace {

constexpr uint32_t kSvcFlagHashed = 0x2;  // kernel-internal, set on every service read back

size_t AddressLen(uint16_t family) { return family == AF_INET6 ? 16 : 4; }

void PutAddress(nl::AttrWriter& w, uint16_t type, uint16_t family, const Address& a) {
  w.Put(type, a.bytes, AddressLen(family));
}

Address ReadAddress(const nl::Attr& a) {
  Address out;
  std::memcpy(out.bytes, a.data, std::min<size_t>(a.len, sizeof out.bytes));
  return out;
}

// STATS carries 32-bit counters and rates (bytes are u64); STATS64 is all u64.
Stats ReadStats(const nl::Attr& nest, bool is64) {
  Stats s;
  nl::AttrReader r(nest);
  nl::Attr a;
  auto num = [&](const nl::Attr& x) -> uint64_t { return is64 ? x.U64() : x.U32(); };
  while (r.Next(a)) {
    switch (a.type) {
      case kStatsConns: s.conns = num(a); break;
      case kStatsInPkts: s.in_pkts = num(a); break;
      case kStatsOutPkts: s.out_pkts = num(a); break;
      case kStatsInBytes: s.in_bytes = a.U64(); break;
      case kStatsOutBytes: s.out_bytes = a.U64(); break;
      case kStatsCps: s.cps = num(a); break;
      case kStatsInPps: s.in_pps = num(a); break;
      case kStatsOutPps: s.out_pps = num(a); break;
      case kStatsInBps: s.in_bps = num(a); break;
      case kStatsOutBps: s.out_bps = num(a); break;
      default: break;  // PAD and future counters
    }
  }
  return s;
}

// Finds the nested attribute `type` at the top level of a genl message.
bool FindNest(const nl::Message& m, uint16_t type, nl::Attr& out) {
  nl::AttrReader top = m.GenlAttrs();
  while (top.Next(out)) {
    if (out.type == type) return true;
  }
  return false;
}

}  // namespace

namespace {

void PutServiceIdentity(nl::AttrWriter& w, const ServiceKey& key) {
  w.PutU16(kSvcAttrAf, key.family);
  if (key.fwmark) {
    w.PutU32(kSvcAttrFwmark, key.fwmark);
  } else {
    w.PutU16(kSvcAttrProtocol, key.protocol);
    PutAddress(w, kSvcAttrAddr, key.family, key.address);
    w.PutBe16(kSvcAttrPort, key.port);
  }
}

}  // namespace

void PutServiceKey(nl::AttrWriter& w, const ServiceKey& key) {
  const size_t nest = w.BeginNest(kCmdAttrService);
  PutServiceIdentity(w, key);
  w.EndNest(nest);
}

void PutService(nl::AttrWriter& w, const Service& svc) {
  const size_t nest = w.BeginNest(kCmdAttrService);
  PutServiceIdentity(w, svc.key);
  w.PutString(kSvcAttrSchedName, svc.scheduler);
  if (!svc.pe_name.empty()) w.PutString(kSvcAttrPeName, svc.pe_name);
  const uint32_t flags[2] = {svc.flags, kFlagsMaskAll};  // struct ip_vs_flags
  w.Put(kSvcAttrFlags, flags, sizeof flags);
  w.PutU32(kSvcAttrTimeout, svc.timeout);
  if (svc.key.family == AF_INET6) {
    w.PutU32(kSvcAttrNetmask, svc.netmask);  // prefix length, host order
  } else {
    const uint8_t mask[4] = {uint8_t(svc.netmask >> 24), uint8_t(svc.netmask >> 16),
                             uint8_t(svc.netmask >> 8), uint8_t(svc.netmask)};
    w.Put(kSvcAttrNetmask, mask, 4);  // mask bytes, network order
  }
  w.EndNest(nest);
}

void PutDestination(nl::AttrWriter& w, const Destination& dest, bool full) {
  const size_t nest = w.BeginNest(kCmdAttrDest);
  // dest.family is always set by the caller (the service's family by default).
  PutAddress(w, kDestAttrAddr, dest.family, dest.address);
  w.PutBe16(kDestAttrPort, dest.port);
  w.PutU16(kDestAttrAddrFamily, dest.family);
  if (full) {
    w.PutU32(kDestAttrFwdMethod, dest.fwd_method);
    w.PutU32(kDestAttrWeight, dest.weight);
    w.PutU32(kDestAttrUThresh, dest.upper_threshold);
    w.PutU32(kDestAttrLThresh, dest.lower_threshold);
    w.PutU8(kDestAttrTunType, dest.tun_type);
    w.PutBe16(kDestAttrTunPort, dest.tun_port);
    w.PutU16(kDestAttrTunFlags, dest.tun_flags);
  }
  w.EndNest(nest);
}

void PutDaemon(nl::AttrWriter& w, const Daemon& d) {
  const size_t nest = w.BeginNest(kCmdAttrDaemon);
  w.PutU32(kDaemonAttrState, d.state);
  w.PutString(kDaemonAttrMcastIfn, d.interface);
  w.PutU32(kDaemonAttrSyncId, d.sync_id);
  if (d.max_len) w.PutU16(kDaemonAttrSyncMaxlen, d.max_len);
  if (d.group_family == AF_INET) w.Put(kDaemonAttrMcastGroup, d.group.bytes, 4);
  if (d.group_family == AF_INET6) w.Put(kDaemonAttrMcastGroup6, d.group.bytes, 16);
  if (d.port) w.PutU16(kDaemonAttrMcastPort, d.port);  // host order, unlike other ports
  if (d.ttl) w.PutU8(kDaemonAttrMcastTtl, d.ttl);
  w.EndNest(nest);
}

void PutTimeouts(nl::AttrWriter& w, const Timeouts& t) {
  w.PutU32(kCmdAttrTimeoutTcp, t.tcp);
  w.PutU32(kCmdAttrTimeoutTcpFin, t.tcp_fin);
  w.PutU32(kCmdAttrTimeoutUdp, t.udp);
}

Service DecodeService(const nl::Message& m) {
  nl::Attr nest;
  if (!FindNest(m, kCmdAttrService, nest)) nl::ThrowProtocolError("service reply without a SERVICE attribute");
  Service s;
  bool have64 = false;
  nl::AttrReader r(nest);
  nl::Attr a;
  while (r.Next(a)) {
    switch (a.type) {
      case kSvcAttrAf: s.key.family = a.U16(); break;
      case kSvcAttrProtocol: s.key.protocol = a.U16(); break;
      case kSvcAttrAddr: s.key.address = ReadAddress(a); break;
      case kSvcAttrPort: s.key.port = a.Be16(); break;
      case kSvcAttrFwmark: s.key.fwmark = a.U32(); break;
      case kSvcAttrSchedName: s.scheduler = a.String(); break;
      case kSvcAttrPeName: s.pe_name = a.String(); break;
      case kSvcAttrFlags: s.flags = a.U32() & ~kSvcFlagHashed; break;
      case kSvcAttrTimeout: s.timeout = a.U32(); break;
      case kSvcAttrNetmask: {
        a.Check(4, "netmask");
        // Decoded by family after the loop: AF comes first, but do not rely on it.
        uint32_t raw;
        std::memcpy(&raw, a.data, 4);
        s.netmask = raw;
        break;
      }
      case kSvcAttrStats: if (!have64) s.stats = ReadStats(a, false); break;
      case kSvcAttrStats64: s.stats = ReadStats(a, true); have64 = true; break;
      default: break;
    }
  }
  if (s.key.family != AF_INET6) {  // IPv4 mask arrived as network-order bytes
    const uint8_t* b = reinterpret_cast<const uint8_t*>(&s.netmask);
    s.netmask = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  }
  return s;
}

Destination DecodeDestination(const nl::Message& m, uint16_t service_family) {
  nl::Attr nest;
  if (!FindNest(m, kCmdAttrDest, nest)) nl::ThrowProtocolError("destination reply without a DEST attribute");
  Destination d;
  bool have64 = false;
  nl::AttrReader r(nest);
  nl::Attr a;
  while (r.Next(a)) {
    switch (a.type) {
      case kDestAttrAddr: d.address = ReadAddress(a); break;
      case kDestAttrPort: d.port = a.Be16(); break;
      case kDestAttrFwdMethod: d.fwd_method = a.U32(); break;
      case kDestAttrWeight: d.weight = a.U32(); break;
      case kDestAttrUThresh: d.upper_threshold = a.U32(); break;
      case kDestAttrLThresh: d.lower_threshold = a.U32(); break;
      case kDestAttrActiveConns: d.active_conns = a.U32(); break;
      case kDestAttrInactConns: d.inactive_conns = a.U32(); break;
      case kDestAttrPersistConns: d.persistent_conns = a.U32(); break;
      case kDestAttrAddrFamily: d.family = a.U16(); break;
      case kDestAttrTunType: d.tun_type = a.U8(); break;
      case kDestAttrTunPort: d.tun_port = a.Be16(); break;
      case kDestAttrTunFlags: d.tun_flags = a.U16(); break;
      case kDestAttrStats: if (!have64) d.stats = ReadStats(a, false); break;
      case kDestAttrStats64: d.stats = ReadStats(a, true); have64 = true; break;
      default: break;
    }
  }
  if (d.family == 0) d.family = service_family;
  return d;
}

Info DecodeInfo(const nl::Message& m) {
  Info info;
  nl::AttrReader r = m.GenlAttrs();
  nl::Attr a;
  while (r.Next(a)) {
    if (a.type == kInfoAttrVersion) info.version = a.U32();
    if (a.type == kInfoAttrConnTabSize) info.conn_table_size = a.U32();
  }
  return info;
}

Timeouts DecodeTimeouts(const nl::Message& m) {
  Timeouts t;
  nl::AttrReader r = m.GenlAttrs();
  nl::Attr a;
  while (r.Next(a)) {
    if (a.type == kCmdAttrTimeoutTcp) t.tcp = a.U32();
    if (a.type == kCmdAttrTimeoutTcpFin) t.tcp_fin = a.U32();
    if (a.type == kCmdAttrTimeoutUdp) t.udp = a.U32();
  }
  return t;
}

Daemon DecodeDaemon(const nl::Message& m) {
  nl::Attr nest;
  if (!FindNest(m, kCmdAttrDaemon, nest)) nl::ThrowProtocolError("daemon reply without a DAEMON attribute");
  Daemon d;
  nl::AttrReader r(nest);
  nl::Attr a;
  while (r.Next(a)) {
    switch (a.type) {
      case kDaemonAttrState: d.state = a.U32(); break;
      case kDaemonAttrMcastIfn: d.interface = a.String(); break;
      case kDaemonAttrSyncId: d.sync_id = a.U32(); break;
      case kDaemonAttrSyncMaxlen: d.max_len = a.U16(); break;
      case kDaemonAttrMcastGroup: a.Check(4, "IPv4 address"); d.group_family = AF_INET; d.group = ReadAddress(a); break;
      case kDaemonAttrMcastGroup6: a.Check(16, "IPv6 address"); d.group_family = AF_INET6; d.group = ReadAddress(a); break;
      case kDaemonAttrMcastPort: d.port = a.U16(); break;
      case kDaemonAttrMcastTtl: d.ttl = a.U8(); break;
      default: break;
    }
  }
  return d;
}

}  // namespace ipvs
