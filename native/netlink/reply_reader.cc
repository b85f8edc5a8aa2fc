#include "reply_reader.h"

#include <cstring>
#include <string>

#include "error.h"

namespace nl {

namespace {

constexpr uint16_t kErrAttrMsg = 1;  // NLMSGERR_ATTR_MSG

int32_t ReadInt(const Message& m, const char* what) {
  if (m.len < 4) ThrowProtocolError(std::string(what) + " message without a status");
  int32_t v;
  std::memcpy(&v, m.payload, 4);
  return v;
}

// The kernel sends -errno; anything beyond the errno range is not a status.
int ErrnoOf(int32_t status, const char* what) {
  if (status >= 0 || status < -4095) ThrowProtocolError(std::string(what) + " status " + std::to_string(status));
  return -status;
}

}  // namespace

bool ReplyReader::Feed(const uint8_t* data, size_t len) {
  ForEachMessage(data, len, [&](const Message& m) {
    if (done_ || m.seq != seq_ || m.pid != port_id_) return;  // not ours
    switch (m.type) {
      case kMsgNoop:
        return;
      case kMsgError:
        return OnError(m);
      case kMsgDone:
        return OnDone(m);
      case kMsgOverrun:
        ThrowProtocolError("netlink overrun");
      default:
        if (m.flags & kFlagDumpIntr) interrupted_ = true;
        on_message_(m);
    }
  });
  return done_;
}

void ReplyReader::OnError(const Message& m) {
  const int32_t err = ReadInt(m, "NLMSG_ERROR");
  done_ = true;
  if (err == 0) return;  // the ACK
  // Extended ack TLVs follow the echoed request: its header only when the
  // kernel capped the echo (NETLINK_CAP_ACK), else the whole request.
  std::string detail;
  if ((m.flags & kFlagAckTlvs) && m.len >= 4 + kMsgHeaderLen) {
    uint32_t echoed_len;
    std::memcpy(&echoed_len, m.payload + 4, 4);
    size_t off = 4 + ((m.flags & 0x100 /* NLM_F_CAPPED */) ? kMsgHeaderLen : Align4(echoed_len));
    if (off <= m.len) {
      AttrReader tlvs(m.payload + off, m.len - off);
      Attr a;
      while (tlvs.Next(a)) {
        if (a.type == kErrAttrMsg) detail = a.String();
      }
    }
  }
  throw Error(ErrorOrigin::kKernel, ErrnoOf(err, "NLMSG_ERROR"), "netlink", detail);
}

void ReplyReader::OnDone(const Message& m) {
  // The DONE payload is the dump's status; some old kernels send none.
  const int32_t status = m.len >= 4 ? ReadInt(m, "NLMSG_DONE") : 0;
  done_ = true;
  if (status != 0) throw Error(ErrorOrigin::kKernel, ErrnoOf(status, "NLMSG_DONE"), "netlink");
}

}  // namespace nl
