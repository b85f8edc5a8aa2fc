// One generic netlink socket bound to one family: resolves the family id once,
// numbers requests, and collects each reply. Not thread-safe: the addon runs
// one request at a time per connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error.h"
#include "message.h"
#include "netns.h"
#include "socket.h"

namespace nl {

// How a batch is put on the wire (bench/ measures the choices).
struct BatchOptions {
  size_t window = 1024;  // requests per datagram, answered before the next is sent
  // and at most this many bytes per datagram (the socket's send buffer,
  // 8 MiB effective, bounds a datagram; each ACK waiting in the receive
  // buffer takes about 1 KiB of its 8 MiB)
  size_t window_bytes = 1024 * 1024;
  bool ack_each = false;  // an ACK for every request, not just the window's last
};

// One request's outcome: nothing when it succeeded; a kernel error; a socket
// error (the request was sent but its answer was lost: outcome unknown); or
// kNotSent.
using BatchOutcome = std::optional<Error>;

class GenlConnection {
 public:
  using Handler = std::function<void(const Message&)>;

  // Opens the socket in `netns` and resolves the family; throws nl::Error
  // (ENOENT when the kernel has no such family).
  GenlConnection(std::string family_name, int receive_timeout_ms, NetNamespace netns = {});

  const NetNamespace& netns() const { return netns_; }

  uint16_t family_id() const { return family_id_; }

  // Sends the request and passes each data message of the reply to
  // on_message. A dump that the kernel marks interrupted is run again, after
  // on_restart (which must drop what was collected); so is one whose reply
  // was partly lost to a receive-queue overflow (ENOBUFS), on a new socket.
  // Without on_restart (a change), ENOBUFS is thrown. A request that fails
  // with ENOENT because the family went away (module reloaded) is re-resolved
  // and sent once more.
  void Transact(GenlRequest& request, const Handler& on_message,
                const std::function<void()>& on_restart = {});

  // Sends `count` do-requests (answered by an ACK only), taken in order from
  // next(), many per datagram, and reports every one's outcome. Requests are
  // built as their window is sent, so a large batch never exists in memory
  // as messages. A socket failure stops the batch: the rest are reported as
  // not sent. Throws only what next() throws.
  using RequestSource = std::function<GenlRequest()>;
  std::vector<BatchOutcome> TransactBatch(size_t count, const RequestSource& next, const BatchOptions& options);

 private:
  // Returns false when the dump was interrupted.
  bool SendAndReceive(GenlRequest& request, const Handler& on_message);
  // Builds requests from `begin` on (up to `end`, fewer if the socket's
  // buffers demand) into one datagram, sends it, waits for the answers and
  // settles their outcomes. Returns where the next window starts (the end of
  // `out` when the answers were lost and the rest was settled as not sent).
  // Throws, having settled nothing, when nothing was sent.
  size_t SendWindow(const RequestSource& next, size_t begin, size_t end, const BatchOptions& options,
                    std::vector<BatchOutcome>& out);
  uint16_t ResolveFamily();

  Socket& socket();

  std::unique_ptr<Socket> OpenSocket() const;

  std::string family_name_;
  int receive_timeout_ms_;
  NetNamespace netns_;
  // Reopened after a failure mid-reply: the kernel may still be sending the
  // rest of that reply (an open dump answers the next one with EBUSY).
  std::unique_ptr<Socket> socket_;
  uint32_t seq_;
  uint16_t family_id_ = 0;
  std::vector<uint8_t> batch_buf_;  // the datagram of a batch window
};

}  // namespace nl
