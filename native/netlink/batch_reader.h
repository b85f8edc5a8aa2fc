// Collects the answers to one window of a batch: requests with consecutive
// sequence numbers sent in one datagram. Pure (no I/O), so it is unit-tested
// and fuzzed on bytes.
//
// The kernel handles the messages of a datagram in order and answers each
// with NLMSG_ERROR when it failed or asked for an ACK. When only the window's
// last request asks for an ACK, its answer ends the window and every request
// before it that got no error succeeded.
#pragma once

#include <cstdint>
#include <vector>

#include "ack.h"
#include "message.h"

namespace nl {

class BatchReader {
 public:
  // Answers for seq first_seq .. first_seq + count - 1 go to out[offset ..].
  BatchReader(uint32_t first_seq, uint32_t port_id, std::vector<AckStatus>& out, size_t offset, size_t count,
              bool ack_each);

  // Feeds one datagram; returns true once the window is complete.
  bool Feed(const uint8_t* data, size_t len);

  // Whether request i of the window has its answer (all, once complete).
  bool answered(size_t i) const { return done_ || seen_[i]; }

 private:
  uint32_t first_seq_;
  uint32_t port_id_;
  std::vector<AckStatus>& out_;
  size_t offset_;
  size_t count_;
  bool ack_each_;
  std::vector<bool> seen_;
  size_t answered_ = 0;
  bool done_ = false;
};

}  // namespace nl
