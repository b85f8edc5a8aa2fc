// Plain C++ structs for IPVS objects, as the kernel knows them. No N-API here:
// the addon converts these to and from JS objects.
#pragma once

#include <cstdint>
#include <string>

namespace ipvs {

// An IPv4 (first 4 bytes) or IPv6 address, as union nf_inet_addr.
struct Address {
  uint8_t bytes[16] = {};
};

struct Stats {
  uint64_t conns = 0, in_pkts = 0, out_pkts = 0, in_bytes = 0, out_bytes = 0;
  uint64_t cps = 0, in_pps = 0, out_pps = 0, in_bps = 0, out_bps = 0;
};

// Service identity: (family, fwmark) when fwmark != 0, else
// (family, protocol, address, port).
struct ServiceKey {
  uint16_t family = 0;
  uint16_t protocol = 0;
  Address address;
  uint16_t port = 0;
  uint32_t fwmark = 0;
};

struct Service {
  ServiceKey key;
  std::string scheduler;
  std::string pe_name;  // empty: no persistence engine
  uint32_t flags = 0;   // IP_VS_SVC_F_*
  uint32_t timeout = 0;  // persistence, seconds
  // IPv4: the mask as a number (0xffffff00 for /24); IPv6: prefix length.
  uint32_t netmask = 0;
  Stats stats;  // read only
};

struct Destination {
  uint16_t family = 0;  // 0 on requests: the service's family
  Address address;
  uint16_t port = 0;
  uint32_t fwd_method = 0;  // IP_VS_CONN_F_FWD_MASK bits
  uint32_t weight = 0;
  uint32_t upper_threshold = 0;
  uint32_t lower_threshold = 0;
  uint8_t tun_type = 0;
  uint16_t tun_port = 0;
  uint16_t tun_flags = 0;
  // read only
  uint32_t active_conns = 0, inactive_conns = 0, persistent_conns = 0;
  Stats stats;
};

struct Info {
  uint32_t version = 0;  // 0x010201 for 1.2.1
  uint32_t conn_table_size = 0;
};

struct Timeouts {  // seconds; 0 in a request keeps the current value
  uint32_t tcp = 0, tcp_fin = 0, udp = 0;
};

struct Daemon {
  uint32_t state = 0;  // 1 master, 2 backup
  std::string interface;
  uint32_t sync_id = 0;
  uint16_t max_len = 0;      // 0: not set
  uint16_t group_family = 0;  // 0: not set
  Address group;
  uint16_t port = 0;  // 0: not set
  uint8_t ttl = 0;    // 0: not set
};

}  // namespace ipvs
