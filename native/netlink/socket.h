// A generic netlink socket: owns the file descriptor, sends requests and
// receives datagrams from the kernel. Blocking; callers run it off the JS thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace nl {

class Socket {
 public:
  // The kernel never sends a datagram larger than this (netlink caps dump
  // skbs at 32 KiB; ACKs and errors are small: NETLINK_CAP_ACK).
  static constexpr size_t kDatagramLen = 32 * 1024;

  // Opens a NETLINK_GENERIC socket in the calling thread's network namespace.
  explicit Socket(int receive_timeout_ms);
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  uint32_t port_id() const { return port_id_; }
  // The largest datagram the send buffer takes (netlink refuses more than
  // the buffer less 32 bytes with EMSGSIZE), with room for one more request.
  size_t max_datagram() const { return max_datagram_; }
  // How many answers (ACKs or errors, about 1 KiB of buffer each) the
  // receive buffer holds before the kernel drops them with ENOBUFS.
  size_t max_answers() const { return max_answers_; }
  void Send(const std::vector<uint8_t>& bytes);
  // Datagrams from other senders are dropped.
  // Waits for one datagram, then takes whatever else is already queued, up
  // to kMaxDatagrams, in one recvmmsg(): a dump's last data datagram and its
  // NLMSG_DONE, or a window's answers, cost one syscall. Calls
  // on_datagram(data, len) for each datagram from the kernel, in order;
  // stops early when it returns true (the rest of what was taken is not
  // ours to keep: replies to a later request never arrive before this one
  // ends, so nothing is lost).
  template <typename Fn>
  void ReceiveSome(Fn&& on_datagram);

  static constexpr size_t kMaxDatagrams = 8;

 private:
  // Fills bufs_; returns how many datagrams and their lengths in lens.
  size_t ReceiveMany(size_t* lens);

  int fd_ = -1;
  // Not zeroed: pages are only touched (and counted in RSS) when used.
  std::unique_ptr<uint8_t[]> bufs_;
  uint32_t port_id_ = 0;
  size_t max_datagram_ = 64 * 1024;
  size_t max_answers_ = 64;
};

template <typename Fn>
void Socket::ReceiveSome(Fn&& on_datagram) {
  size_t lens[kMaxDatagrams];
  const size_t n = ReceiveMany(lens);
  for (size_t i = 0; i < n; ++i) {
    if (lens[i] == 0) continue;  // from another sender
    if (on_datagram(bufs_.get() + i * kDatagramLen, lens[i])) return;
  }
}

}  // namespace nl
