// Why: the IPVS decoders turn every reply message into services, destinations
// (stats/rates, STATS64), info, timeouts and sync daemons.
// Input: [u8 decoder][u16 service family][generic netlink payload: genlmsghdr +
// attributes]. One decoder per input: each throws on a message without its
// own nest, and throws are what an execution costs.
#include <sys/socket.h>

#include "../native/ipvs/codec.h"
#include "../native/netlink/error.h"
#include "fuzz.h"

namespace {

void CheckString(const std::string& s, size_t max) {
  FUZZ_CHECK(s.size() <= max && std::memchr(s.data(), 0, s.size()) == nullptr);
}

void Service(const nl::Message& m, uint16_t) {
  const ipvs::Service s = ipvs::DecodeService(m);
  CheckString(s.scheduler, m.len);
  CheckString(s.pe_name, m.len);
  fuzz::Use(s.key.family ^ s.key.port ^ s.netmask ^ s.flags ^ s.stats.conns ^ s.stats.out_bps);
}

void Destination(const nl::Message& m, uint16_t family) {
  const ipvs::Destination d = ipvs::DecodeDestination(m, family);
  FUZZ_CHECK(d.family != 0 || family == 0);
  fuzz::Use(d.port ^ d.weight ^ d.tun_port ^ d.stats.in_bytes ^ d.stats.cps);
}

void Info(const nl::Message& m, uint16_t) {
  const ipvs::Info i = ipvs::DecodeInfo(m);
  fuzz::Use(i.version ^ i.conn_table_size);
}

void Timeouts(const nl::Message& m, uint16_t) {
  const ipvs::Timeouts t = ipvs::DecodeTimeouts(m);
  fuzz::Use(t.tcp ^ t.tcp_fin ^ t.udp);
}

void Daemon(const nl::Message& m, uint16_t) {
  const ipvs::Daemon d = ipvs::DecodeDaemon(m);
  CheckString(d.interface, m.len);
  FUZZ_CHECK(d.group_family == 0 || d.group_family == AF_INET || d.group_family == AF_INET6);
  fuzz::Use(d.state ^ d.sync_id ^ d.max_len ^ d.port ^ d.ttl ^ d.group.bytes[15]);
}

// fuzz/seeds.mjs writes the decoder byte in this order.
void (*const kDecoders[])(const nl::Message&, uint16_t) = {Service, Destination, Info, Timeouts, Daemon};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t which = in.Int<uint8_t>() % (sizeof kDecoders / sizeof kDecoders[0]);
  const uint16_t family = in.Int<uint16_t>();
  const std::vector<uint8_t> payload = in.Rest();
  const nl::Message m{30, nl::kFlagMulti, 1, 2, payload.data(), payload.size()};
  try {
    kDecoders[which](m, family);
  } catch (const nl::Error& e) {
    FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
  }
  return 0;
}
