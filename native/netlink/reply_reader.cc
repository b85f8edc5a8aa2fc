#include "reply_reader.h"

#include "ack.h"
#include "error.h"

namespace nl {

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
  const AckStatus status = ParseAck(m);
  done_ = true;
  if (status.errnum != 0) throw Error(ErrorOrigin::kKernel, status.errnum, "netlink", status.detail);
}

void ReplyReader::OnDone(const Message& m) {
  // The kernel checks the dump's consistency for NLMSG_DONE too: a change
  // after the last data message shows only here.
  if (m.flags & kFlagDumpIntr) interrupted_ = true;
  // The DONE payload is the dump's status; some old kernels send none.
  const int32_t status = m.len >= 4 ? ReadStatus(m, "NLMSG_DONE") : 0;
  done_ = true;
  if (status != 0) throw Error(ErrorOrigin::kKernel, ErrnoOf(status, "NLMSG_DONE"), "netlink");
}

}  // namespace nl
