// One generic netlink socket bound to one family: resolves the family id once,
// numbers requests, and collects each reply. Not thread-safe: the addon runs
// one request at a time per connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "message.h"
#include "netns.h"
#include "socket.h"

namespace nl {

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
  // on_restart (which must drop what was collected). A request that fails
  // with ENOENT because the family went away (module reloaded) is re-resolved
  // and sent once more.
  void Transact(GenlRequest& request, const Handler& on_message,
                const std::function<void()>& on_restart = {});

 private:
  // Returns false when the dump was interrupted.
  bool SendAndReceive(GenlRequest& request, const Handler& on_message);
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
  std::vector<uint8_t> buf_;
};

}  // namespace nl
