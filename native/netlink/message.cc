#include "message.h"

#include <cstring>
#include <string>

#include "error.h"

namespace nl {

uint8_t Message::GenlCommand() const {
  if (len < kGenlHeaderLen) ThrowProtocolError("generic netlink message without genlmsghdr");
  return payload[0];
}

AttrReader Message::GenlAttrs() const {
  if (len < kGenlHeaderLen) ThrowProtocolError("generic netlink message without genlmsghdr");
  return AttrReader(payload + kGenlHeaderLen, len - kGenlHeaderLen);
}

Message ParseMessageAt(const uint8_t* data, size_t left) {
  if (left < kMsgHeaderLen) ThrowProtocolError("netlink message shorter than its header");
  uint32_t mlen;
  Message m;
  std::memcpy(&mlen, data, 4);
  std::memcpy(&m.type, data + 4, 2);
  std::memcpy(&m.flags, data + 6, 2);
  std::memcpy(&m.seq, data + 8, 4);
  std::memcpy(&m.pid, data + 12, 4);
  if (mlen < kMsgHeaderLen || mlen > left) {
    ThrowProtocolError("netlink message of length " + std::to_string(mlen) + " with " +
                       std::to_string(left) + " bytes received");
  }
  m.payload = data + kMsgHeaderLen;
  m.len = mlen - kMsgHeaderLen;
  return m;
}

GenlRequest::GenlRequest(uint16_t family, uint8_t cmd, uint16_t flags, uint8_t version)
    : buf_(kMsgHeaderLen + kGenlHeaderLen, 0), writer_(buf_) {
  SetFamily(family);
  SetFlags(flags);
  buf_[kMsgHeaderLen] = cmd;
  buf_[kMsgHeaderLen + 1] = version;
}

void GenlRequest::SetFamily(uint16_t family) { std::memcpy(&buf_[4], &family, 2); }

void GenlRequest::SetFlags(uint16_t flags) { std::memcpy(&buf_[6], &flags, 2); }

uint16_t GenlRequest::flags() const {
  uint16_t f;
  std::memcpy(&f, &buf_[6], 2);
  return f;
}

const std::vector<uint8_t>& GenlRequest::Finish(uint32_t seq, uint32_t port_id) {
  const uint32_t len = static_cast<uint32_t>(buf_.size());
  std::memcpy(&buf_[0], &len, 4);
  std::memcpy(&buf_[8], &seq, 4);
  std::memcpy(&buf_[12], &port_id, 4);
  return buf_;
}

}  // namespace nl
