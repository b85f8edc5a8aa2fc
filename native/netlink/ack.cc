#include "ack.h"

#include <cstring>

#include "error.h"

namespace nl {

namespace {

constexpr uint16_t kErrAttrMsg = 1;  // NLMSGERR_ATTR_MSG
constexpr uint16_t kFlagCapped = 0x100;  // NLM_F_CAPPED

}  // namespace

int32_t ReadStatus(const Message& m, const char* what) {
  if (m.len < 4) ThrowProtocolError(std::string(what) + " message without a status");
  int32_t v;
  std::memcpy(&v, m.payload, 4);
  return v;
}

int ErrnoOf(int32_t status, const char* what) {
  // The kernel sends -errno; anything beyond the errno range is not a status.
  if (status >= 0 || status < -4095) ThrowProtocolError(std::string(what) + " status " + std::to_string(status));
  return -status;
}

AckStatus ParseAck(const Message& m) {
  const int32_t err = ReadStatus(m, "NLMSG_ERROR");
  AckStatus status;
  if (err == 0) return status;
  status.errnum = ErrnoOf(err, "NLMSG_ERROR");
  // Extended ack TLVs follow the echoed request: its header only when the
  // kernel capped the echo (NETLINK_CAP_ACK), else the whole request.
  if ((m.flags & kFlagAckTlvs) && m.len >= 4 + kMsgHeaderLen) {
    uint32_t echoed_len;
    std::memcpy(&echoed_len, m.payload + 4, 4);
    const size_t off = 4 + ((m.flags & kFlagCapped) ? kMsgHeaderLen : Align4(echoed_len));
    if (off <= m.len) {
      AttrReader tlvs(m.payload + off, m.len - off);
      Attr a;
      while (tlvs.Next(a)) {
        if (a.type == kErrAttrMsg) status.detail = a.String();
      }
    }
  }
  return status;
}

}  // namespace nl
