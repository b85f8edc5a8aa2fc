#include "batch_reader.h"

#include "error.h"

namespace nl {

BatchReader::BatchReader(uint32_t first_seq, uint32_t port_id, std::vector<AckStatus>& out, size_t offset,
                         size_t count, bool ack_each)
    : first_seq_(first_seq),
      port_id_(port_id),
      out_(out),
      offset_(offset),
      count_(count),
      ack_each_(ack_each),
      seen_(count, false) {}

bool BatchReader::Feed(const uint8_t* data, size_t len) {
  ForEachMessage(data, len, [&](const Message& m) {
    // Unsigned arithmetic: a seq before the window wraps to a huge index.
    const size_t i = static_cast<uint32_t>(m.seq - first_seq_);
    if (done_ || m.pid != port_id_ || i >= count_) return;  // not ours
    if (m.type == kMsgOverrun) ThrowProtocolError("netlink overrun");
    if (m.type != kMsgError || seen_[i]) return;  // do-requests answer nothing else
    seen_[i] = true;
    out_[offset_ + i] = ParseAck(m);
    ++answered_;
    if (answered_ == count_ || (!ack_each_ && i == count_ - 1)) done_ = true;
  });
  return done_;
}

}  // namespace nl
