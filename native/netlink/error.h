// Errors raised by the netlink and IPVS layers. One type, so that the addon
// layer turns every failure into a JS error with the same fields.
#pragma once

#include <exception>
#include <string>

namespace nl {

enum class ErrorOrigin {
  kKernel,    // the kernel answered NLMSG_ERROR / a negative NLMSG_DONE status
  kSystem,    // a syscall on the socket failed (socket, bind, sendmsg, recvmsg...)
  kProtocol,  // the bytes we received do not follow the netlink protocol
  kNotSent,   // a batched request never sent: an earlier failure stopped the batch
};

class Error : public std::exception {
 public:
  // errnum is a positive errno value (EEXIST, EPROTO, ...).
  Error(ErrorOrigin origin, int errnum, std::string syscall, std::string detail = "")
      : origin_(origin), errnum_(errnum), syscall_(std::move(syscall)), detail_(std::move(detail)) {}

  ErrorOrigin origin() const noexcept { return origin_; }
  int errnum() const noexcept { return errnum_; }
  const std::string& syscall() const noexcept { return syscall_; }
  // Kernel extended-ack message, or what was malformed for protocol errors.
  const std::string& detail() const noexcept { return detail_; }
  const char* what() const noexcept override { return detail_.empty() ? syscall_.c_str() : detail_.c_str(); }

 private:
  ErrorOrigin origin_;
  int errnum_;
  std::string syscall_;
  std::string detail_;
};

// A reply that does not follow the protocol (truncated, bad lengths, ...).
[[noreturn]] inline void ThrowProtocolError(const std::string& what) {
  throw Error(ErrorOrigin::kProtocol, 71 /* EPROTO */, "recvmsg", what);
}

}  // namespace nl
