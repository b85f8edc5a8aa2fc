// Services and destinations cross between JS and C++ as fixed-size binary
// records in one Buffer (lib/records.ts reads and writes them). Building or
// reading tens of thousands of objects property by property through N-API is
// many times slower than typed arrays and object literals in JS; the records
// are encoded and decoded on the worker thread and cross without a copy.
// Host byte order (x64 and arm64: little-endian).
//
// Layout (offsets in bytes; keep lib/records.ts in step):
//   service (192):     u16 family, u16 protocol, u16 port, u16 address length,
//                      u32 fwmark, u32 flags, u32 timeout, u32 netmask,
//                      u32 destination count (records that follow it),
//                      u8 scheduler length, u8 pe length, u16 0,
//                      char address[48], char scheduler[16], char pe[16],
//                      u64 stats[10]
//   destination (168): u16 family, u16 port, u16 address length, u8 tunnel
//                      type, u8 0, u16 tunnel port, u16 tunnel flags,
//                      u32 forwarding, u32 weight, u32 upper threshold,
//                      u32 lower threshold, u32 active, u32 inactive,
//                      u32 persistent, char address[48], u64 stats[10]
//   stats: connections, in packets, out packets, in bytes, out bytes, cps,
//          in pps, out pps, in bps, out bps.
//   batch operation (JS -> C++): u32 kind (lib/native.ts BATCH_OP), u32 0,
//                      a service record without its stats (112), and for
//                      destination operations a destination record without
//                      its stats (88); counts are ignored.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "../ipvs/types.h"
#include "../netlink/message.h"

namespace addon {

constexpr size_t kServiceRecordLen = 192;
constexpr size_t kDestinationRecordLen = 168;

// Service records, each with no destination records.
std::vector<uint8_t> EncodeServiceRecords(const std::vector<ipvs::Service>& services);
// Appends one service record and its destinations' records.
void AppendServiceRecords(std::vector<uint8_t>& out, const ipvs::Service& s, const std::vector<ipvs::Destination>& dests);
std::vector<uint8_t> EncodeDestinationRecords(const std::vector<ipvs::Destination>& dests);

// One chunk of operation records (records never span two).
struct RecordChunk {
  const uint8_t* data;
  size_t len;
};

// The requests of a batch, from its operation records, one at a time.
class BatchRecords {
 public:
  // Checks every record first (all or nothing): throws nl::Error (EINVAL)
  // on one lib/ never writes (bad family, address, name or kind).
  explicit BatchRecords(std::vector<RecordChunk> chunks);
  size_t count() const { return count_; }
  // The next request, in order.
  nl::GenlRequest Next();

 private:
  std::vector<RecordChunk> chunks_;
  size_t chunk_ = 0;
  size_t off_ = 0;
  size_t count_ = 0;
};

// The chunks of a JS array of Buffers (which must outlive their use).
std::vector<RecordChunk> RecordChunks(const Napi::Array& buffers);

// Hands the bytes to JS without copying them.
Napi::Buffer<uint8_t> ToBuffer(Napi::Env env, std::vector<uint8_t>& bytes);

}  // namespace addon
