#include "records.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "../ipvs/requests.h"
#include "../netlink/error.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lib/records.ts reads little-endian records");

namespace addon {

namespace {

constexpr size_t kAddressLen = 48;

template <typename T>
void Put(uint8_t* rec, size_t off, T v) {
  std::memcpy(rec + off, &v, sizeof v);
}

// Text, as inet_ntop writes it; returns its length.
uint16_t PutAddress(uint8_t* at, uint16_t family, const ipvs::Address& a) {
  char text[kAddressLen] = "";
  inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a.bytes, text, sizeof text);
  const size_t len = std::strlen(text);
  std::memcpy(at, text, len);
  return static_cast<uint16_t>(len);
}

uint8_t PutName(uint8_t* at, const std::string& name) {
  const size_t len = name.size() < 16 ? name.size() : 16;  // the kernel's limit is 15
  std::memcpy(at, name.data(), len);
  return static_cast<uint8_t>(len);
}

void PutStats(uint8_t* at, const ipvs::Stats& s) {
  const uint64_t v[10] = {s.conns, s.in_pkts, s.out_pkts, s.in_bytes, s.out_bytes,
                          s.cps,   s.in_pps,  s.out_pps,  s.in_bps,   s.out_bps};
  std::memcpy(at, v, sizeof v);
}

void PutService(uint8_t* r, const ipvs::Service& s, uint32_t destinations) {
  const ipvs::ServiceKey& k = s.key;
  Put<uint16_t>(r, 0, k.family);
  Put<uint16_t>(r, 2, k.protocol);
  Put<uint16_t>(r, 4, k.port);
  Put<uint16_t>(r, 6, k.fwmark ? 0 : PutAddress(r + 32, k.family, k.address));
  Put<uint32_t>(r, 8, k.fwmark);
  Put<uint32_t>(r, 12, s.flags);
  Put<uint32_t>(r, 16, s.timeout);
  Put<uint32_t>(r, 20, s.netmask);
  Put<uint32_t>(r, 24, destinations);
  r[28] = PutName(r + 80, s.scheduler);
  r[29] = PutName(r + 96, s.pe_name);
  PutStats(r + 112, s.stats);
}

void PutDestination(uint8_t* r, const ipvs::Destination& d) {
  Put<uint16_t>(r, 0, d.family);
  Put<uint16_t>(r, 2, d.port);
  Put<uint16_t>(r, 4, PutAddress(r + 40, d.family, d.address));
  r[6] = d.tun_type;
  Put<uint16_t>(r, 8, d.tun_port);
  Put<uint16_t>(r, 10, d.tun_flags);
  Put<uint32_t>(r, 12, d.fwd_method);
  Put<uint32_t>(r, 16, d.weight);
  Put<uint32_t>(r, 20, d.upper_threshold);
  Put<uint32_t>(r, 24, d.lower_threshold);
  Put<uint32_t>(r, 28, d.active_conns);
  Put<uint32_t>(r, 32, d.inactive_conns);
  Put<uint32_t>(r, 36, d.persistent_conns);
  PutStats(r + 88, d.stats);
}

template <typename T>
T Get(const uint8_t* rec, size_t off) {
  T v;
  std::memcpy(&v, rec + off, sizeof v);
  return v;
}

[[noreturn]] void Invalid(const std::string& what) {
  throw nl::Error(nl::ErrorOrigin::kProtocol, EINVAL, "batch", "invalid batch record: " + what);
}

uint16_t GetFamily(const uint8_t* rec, size_t off) {
  const uint16_t f = Get<uint16_t>(rec, off);
  if (f != AF_INET && f != AF_INET6) Invalid("family " + std::to_string(f));
  return f;
}

ipvs::Address GetAddress(const uint8_t* at, uint16_t len, uint16_t family) {
  if (len >= kAddressLen) Invalid("address length");
  char text[kAddressLen] = "";
  std::memcpy(text, at, len);
  ipvs::Address a;
  if (inet_pton(family, text, a.bytes) != 1) Invalid(std::string("address ") + text);
  return a;
}

std::string GetName(const uint8_t* at, uint8_t len) {
  if (len > 15) Invalid("name length");
  std::string name(reinterpret_cast<const char*>(at), len);
  if (name.find('\0') != std::string::npos) Invalid("name");
  return name;
}

ipvs::Service GetService(const uint8_t* r) {
  ipvs::Service s;
  s.key.family = GetFamily(r, 0);
  s.key.fwmark = Get<uint32_t>(r, 8);
  if (s.key.fwmark == 0) {
    s.key.protocol = Get<uint16_t>(r, 2);
    s.key.port = Get<uint16_t>(r, 4);
    s.key.address = GetAddress(r + 32, Get<uint16_t>(r, 6), s.key.family);
  }
  s.flags = Get<uint32_t>(r, 12);
  s.timeout = Get<uint32_t>(r, 16);
  s.netmask = Get<uint32_t>(r, 20);
  s.scheduler = GetName(r + 80, r[28]);
  s.pe_name = GetName(r + 96, r[29]);
  return s;
}

ipvs::Destination GetDestination(const uint8_t* r) {
  ipvs::Destination d;
  d.family = GetFamily(r, 0);
  d.port = Get<uint16_t>(r, 2);
  d.address = GetAddress(r + 40, Get<uint16_t>(r, 4), d.family);
  d.tun_type = r[6];
  d.tun_port = Get<uint16_t>(r, 8);
  d.tun_flags = Get<uint16_t>(r, 10);
  d.fwd_method = Get<uint32_t>(r, 12);
  d.weight = Get<uint32_t>(r, 16);
  d.upper_threshold = Get<uint32_t>(r, 20);
  d.lower_threshold = Get<uint32_t>(r, 24);
  return d;
}

// lib/native.ts BATCH_OP
enum BatchKind : uint32_t { kAddService, kUpdateService, kDeleteService, kAddDest, kUpdateDest, kDeleteDest };

}  // namespace

namespace {

constexpr size_t kOpHeaderLen = 8;
constexpr size_t kOpServiceLen = 112;      // a service record without its stats
constexpr size_t kOpDestinationLen = 88;   // a destination record without its stats

// Decodes the operation at `off` (advancing it) into a request.
nl::GenlRequest DecodeOp(const uint8_t* data, size_t len, size_t& off) {
  if (len - off < kOpHeaderLen + kOpServiceLen) Invalid("truncated");
  const uint32_t kind = Get<uint32_t>(data, off);
  const uint8_t* svc = data + off + kOpHeaderLen;
  off += kOpHeaderLen + kOpServiceLen;
  if (kind > kDeleteDest) Invalid("kind " + std::to_string(kind));
  if (kind <= kDeleteService) {
    const ipvs::Service s = GetService(svc);
    return kind == kAddService      ? ipvs::AddServiceRequest(s)
           : kind == kUpdateService ? ipvs::UpdateServiceRequest(s)
                                    : ipvs::DeleteServiceRequest(s.key);
  }
  if (len - off < kOpDestinationLen) Invalid("truncated");
  const ipvs::ServiceKey key = GetService(svc).key;
  const ipvs::Destination d = GetDestination(data + off);
  off += kOpDestinationLen;
  return kind == kAddDest      ? ipvs::AddDestinationRequest(key, d)
         : kind == kUpdateDest ? ipvs::UpdateDestinationRequest(key, d)
                               : ipvs::DeleteDestinationRequest(key, d);
}

}  // namespace

BatchRecords::BatchRecords(std::vector<RecordChunk> chunks) : chunks_(std::move(chunks)) {
  for (const RecordChunk& c : chunks_) {
    for (size_t off = 0; off < c.len; ++count_) DecodeOp(c.data, c.len, off);
  }
}

nl::GenlRequest BatchRecords::Next() {
  while (off_ >= chunks_[chunk_].len) {
    ++chunk_;
    off_ = 0;
  }
  return DecodeOp(chunks_[chunk_].data, chunks_[chunk_].len, off_);
}

void AppendServiceRecords(std::vector<uint8_t>& out, const ipvs::Service& s, const std::vector<ipvs::Destination>& dests) {
  size_t at = out.size();
  out.resize(at + kServiceRecordLen + dests.size() * kDestinationRecordLen, 0);
  PutService(out.data() + at, s, static_cast<uint32_t>(dests.size()));
  at += kServiceRecordLen;
  for (const ipvs::Destination& d : dests) {
    PutDestination(out.data() + at, d);
    at += kDestinationRecordLen;
  }
}

std::vector<uint8_t> EncodeServiceRecords(const std::vector<ipvs::Service>& services) {
  std::vector<uint8_t> out;
  out.reserve(services.size() * kServiceRecordLen);
  for (const ipvs::Service& s : services) AppendServiceRecords(out, s, {});
  return out;
}

std::vector<uint8_t> EncodeDestinationRecords(const std::vector<ipvs::Destination>& dests) {
  std::vector<uint8_t> out(dests.size() * kDestinationRecordLen, 0);
  for (size_t i = 0; i < dests.size(); ++i) PutDestination(out.data() + i * kDestinationRecordLen, dests[i]);
  return out;
}

std::vector<RecordChunk> RecordChunks(const Napi::Array& buffers) {
  std::vector<RecordChunk> chunks;
  for (uint32_t i = 0; i < buffers.Length(); ++i) {
    const Napi::Value v = buffers.Get(i);
    if (!v.IsBuffer()) throw Napi::TypeError::New(buffers.Env(), "ipvs native: batch records must be Buffers");
    const Napi::Buffer<uint8_t> b = v.As<Napi::Buffer<uint8_t>>();
    chunks.push_back({b.Data(), b.Length()});
  }
  return chunks;
}

Napi::Buffer<uint8_t> ToBuffer(Napi::Env env, std::vector<uint8_t>& bytes) {
  auto* owned = new std::vector<uint8_t>(std::move(bytes));
  if (owned->empty()) {
    delete owned;
    return Napi::Buffer<uint8_t>::New(env, 0);
  }
  return Napi::Buffer<uint8_t>::New(env, owned->data(), owned->size(),
                                    [](Napi::Env, uint8_t*, std::vector<uint8_t>* v) { delete v; }, owned);
}

}  // namespace addon
