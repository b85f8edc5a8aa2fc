// A generic netlink socket: owns the file descriptor, sends requests and
// receives datagrams from the kernel. Blocking; callers run it off the JS thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nl {

class Socket {
 public:
  // Opens a NETLINK_GENERIC socket in the calling thread's network namespace.
  explicit Socket(int receive_timeout_ms);
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  uint32_t port_id() const { return port_id_; }
  void Send(const std::vector<uint8_t>& bytes);
  // Receives one datagram from the kernel into buf (resized to fit); returns
  // its length. Datagrams from other senders are dropped.
  size_t Receive(std::vector<uint8_t>& buf);

 private:
  int fd_ = -1;
  uint32_t port_id_ = 0;
};

}  // namespace nl
