// Netlink message framing: building one generic netlink request and splitting
// a received datagram into messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "attributes.h"

namespace nl {

constexpr size_t kMsgHeaderLen = 16;   // struct nlmsghdr
constexpr size_t kGenlHeaderLen = 4;   // struct genlmsghdr

// nlmsg_type values and flags (linux/netlink.h), spelled out so the build does
// not depend on the installed uapi headers' age.
constexpr uint16_t kMsgNoop = 1, kMsgError = 2, kMsgDone = 3, kMsgOverrun = 4;
constexpr uint16_t kFlagRequest = 0x1, kFlagMulti = 0x2, kFlagAck = 0x4, kFlagDump = 0x300;
constexpr uint16_t kFlagDumpIntr = 0x10, kFlagAckTlvs = 0x200;
constexpr uint16_t kGenlIdCtrl = 0x10;

// A view of one received message (header fields plus payload after nlmsghdr).
struct Message {
  uint16_t type;
  uint16_t flags;
  uint32_t seq;
  uint32_t pid;
  const uint8_t* payload;
  size_t len;

  // Generic netlink: the command byte and the attributes after genlmsghdr.
  uint8_t GenlCommand() const;
  AttrReader GenlAttrs() const;
};

// Builds one generic netlink request: nlmsghdr + genlmsghdr + attributes.
class GenlRequest {
 public:
  GenlRequest(uint16_t family, uint8_t cmd, uint16_t flags, uint8_t version = 1);
  // The writer refers to buf_: copies and moves must point it at their own.
  GenlRequest(const GenlRequest& other) : buf_(other.buf_), writer_(buf_) {}
  GenlRequest(GenlRequest&& other) noexcept : buf_(std::move(other.buf_)), writer_(buf_) {}
  GenlRequest& operator=(const GenlRequest&) = delete;
  GenlRequest& operator=(GenlRequest&&) = delete;

  AttrWriter& attrs() { return writer_; }
  // Stamps length, sequence number and port id; returns the wire bytes.
  const std::vector<uint8_t>& Finish(uint32_t seq, uint32_t port_id);
  void SetFamily(uint16_t family);
  void SetFlags(uint16_t flags);
  uint8_t command() const { return buf_[kMsgHeaderLen]; }
  uint16_t flags() const;
  size_t size() const { return buf_.size(); }

 private:
  std::vector<uint8_t> buf_;
  AttrWriter writer_;
};

// Calls fn(const Message&) for each message in a datagram. Throws a protocol
// error on a length that does not fit.
template <typename Fn>
void ForEachMessage(const uint8_t* data, size_t len, Fn&& fn);

Message ParseMessageAt(const uint8_t* data, size_t left);

template <typename Fn>
void ForEachMessage(const uint8_t* data, size_t len, Fn&& fn) {
  size_t off = 0;
  while (len - off >= kMsgHeaderLen) {
    const Message m = ParseMessageAt(data + off, len - off);
    fn(m);
    const size_t step = Align4(m.len + kMsgHeaderLen);
    if (step >= len - off) break;
    off += step;
  }
}

}  // namespace nl
