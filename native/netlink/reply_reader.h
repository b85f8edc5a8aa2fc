// Assembles the reply to one request from the datagrams the socket receives.
//
// Pure (no I/O), so it is unit-tested and fuzzed on recorded bytes. It drops
// messages of other requests (foreign sequence number or port id: late replies
// of a timed-out request), hands data messages to the caller, and ends at the
// ACK (NLMSG_ERROR 0) or NLMSG_DONE. A kernel error becomes nl::Error with the
// extended-ack message when the kernel sent one.
#pragma once

#include <cstdint>
#include <functional>

#include "message.h"

namespace nl {

class ReplyReader {
 public:
  using Handler = std::function<void(const Message&)>;

  ReplyReader(uint32_t seq, uint32_t port_id, Handler on_message)
      : seq_(seq), port_id_(port_id), on_message_(std::move(on_message)) {}

  // Feeds one datagram; returns true once the reply is complete.
  bool Feed(const uint8_t* data, size_t len);

  // A dump message carried NLM_F_DUMP_INTR: the table changed mid-dump.
  bool interrupted() const { return interrupted_; }

 private:
  void OnError(const Message& m);
  void OnDone(const Message& m);

  uint32_t seq_;
  uint32_t port_id_;
  Handler on_message_;
  bool done_ = false;
  bool interrupted_ = false;
};

}  // namespace nl
