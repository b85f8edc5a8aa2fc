#include "socket.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include "error.h"

namespace nl {

namespace {

// Room in the socket for a burst of dump datagrams before the kernel waits,
// and for the answers to a batch window (an answer the kernel cannot queue
// is lost: ENOBUFS). Sending: room for a whole batch window in one datagram.
constexpr int kSocketBufferBytes = 4 << 20;

[[noreturn]] void ThrowSys(const char* syscall) {
  throw Error(ErrorOrigin::kSystem, errno, syscall);
}

void SetIntOption(int fd, int level, int name, int value) {
  // Best effort: older kernels lack extended acks; buffer sizes are hints.
  setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

Socket::Socket(int receive_timeout_ms) {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd_ < 0) ThrowSys("socket");
  SetIntOption(fd_, SOL_NETLINK, NETLINK_EXT_ACK, 1);
  SetIntOption(fd_, SOL_NETLINK, NETLINK_CAP_ACK, 1);  // errors echo only the header
  // The FORCE variants pass net.core.[rw]mem_max (CAP_NET_ADMIN, which IPVS needs anyway).
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &kSocketBufferBytes, sizeof kSocketBufferBytes) < 0) {
    SetIntOption(fd_, SOL_SOCKET, SO_RCVBUF, kSocketBufferBytes);
  }
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &kSocketBufferBytes, sizeof kSocketBufferBytes) < 0) {
    SetIntOption(fd_, SOL_SOCKET, SO_SNDBUF, kSocketBufferBytes);
  }
  // What the kernel granted (it doubles what it is asked for); without the
  // privilege for FORCE, as little as net.core.[rw]mem_max allows.
  int granted = 0;
  socklen_t glen = sizeof granted;
  if (getsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &granted, &glen) == 0 && granted > 8192) {
    max_datagram_ = static_cast<size_t>(granted) - 4096;
  }
  glen = sizeof granted;
  if (getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &granted, &glen) == 0 && granted >= 2048) {
    max_answers_ = static_cast<size_t>(granted) / 1024 - 1;
  }
  if (receive_timeout_ms > 0) {
    timeval tv{receive_timeout_ms / 1000, (receive_timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel assigns our port id
  socklen_t alen = sizeof local;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &alen) < 0) {
    const int saved = errno;
    close(fd_);
    errno = saved;
    ThrowSys("bind");
  }
  port_id_ = local.nl_pid;
}

Socket::~Socket() {
  if (fd_ >= 0) close(fd_);
}

void Socket::Send(const std::vector<uint8_t>& bytes) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    const ssize_t n = sendto(fd_, bytes.data(), bytes.size(), 0,
                             reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    if (n >= 0) return;
    if (errno != EINTR) ThrowSys("sendmsg");
  }
}

}  // namespace nl

namespace nl {

size_t Socket::ReceiveMany(size_t* lens) {
  if (!bufs_) bufs_.reset(new uint8_t[kMaxDatagrams * kDatagramLen]);
  sockaddr_nl from[kMaxDatagrams];
  iovec iov[kMaxDatagrams];
  mmsghdr msgs[kMaxDatagrams];
  for (size_t i = 0; i < kMaxDatagrams; ++i) {
    iov[i] = {bufs_.get() + i * kDatagramLen, kDatagramLen};
    msgs[i] = {};
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  for (;;) {
    // MSG_WAITFORONE: block for the first datagram only.
    const int n = recvmmsg(fd_, msgs, kMaxDatagrams, MSG_WAITFORONE, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        throw Error(ErrorOrigin::kSystem, ETIMEDOUT, "recvmsg", "no reply from the kernel in time");
      }
      if (errno == ENOBUFS) {
        // The receive queue overflowed: something queued for us was dropped.
        throw Error(ErrorOrigin::kSystem, ENOBUFS, "recvmsg",
                    "the receive queue overflowed and a reply was lost");
      }
      ThrowSys("recvmsg");
    }
    for (int i = 0; i < n; ++i) {
      // Only the kernel talks to us: anything another socket sends (any
      // process with CAP_NET_ADMIN can) is dropped unread, however large.
      if (from[i].nl_pid != 0) {
        lens[i] = 0;
        continue;
      }
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
        throw Error(ErrorOrigin::kProtocol, EMSGSIZE, "recvmsg", "netlink datagram truncated");
      }
      lens[i] = msgs[i].msg_len;
    }
    return static_cast<size_t>(n);
  }
}

}  // namespace nl
