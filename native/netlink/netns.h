// A network namespace that sockets and /proc/net files are opened in. Work
// for another namespace runs on a short-lived thread that enters it and
// exits, so neither the Node process nor libuv's pool threads ever change
// namespace. What is created there (a socket, an open /proc file) stays bound
// to that namespace for its whole life.
#pragma once

#include <exception>
#include <system_error>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

namespace nl {

[[noreturn]] void ThrowThreadError(int errnum);

class NetNamespace {
 public:
  // The namespace of the calling thread (the process's own).
  NetNamespace() = default;
  // Takes ownership of fd, which must refer to a network namespace
  // (/run/netns/NAME, /proc/PID/ns/net); throws nl::Error otherwise.
  static NetNamespace Adopt(int fd);
  // Opens a namespace file by path; throws nl::Error (syscall "open").
  static NetNamespace OpenPath(const std::string& path);

  bool is_current() const { return !fd_; }

  // Runs f() inside the namespace and returns its result (or rethrows).
  template <typename F>
  auto Run(F f) const -> decltype(f());

  // Opens /proc/net/<name> of this namespace read-only; returns the fd.
  // Throws nl::Error (syscall "open"; ENOENT when IPVS is not loaded).
  int OpenProcNetFile(const std::string& name) const;

 private:
  struct Fd {
    explicit Fd(int f) : fd(f) {}
    ~Fd();
    int fd;
  };
  // Enters the namespace on the calling thread; throws nl::Error ("setns").
  void Enter() const;

  std::shared_ptr<const Fd> fd_;
};

template <typename F>
auto NetNamespace::Run(F f) const -> decltype(f()) {
  if (is_current()) return f();
  using R = decltype(f());
  std::exception_ptr failure;
  std::conditional_t<std::is_void_v<R>, bool, std::unique_ptr<R>> result{};
  std::thread worker;
  try {
    worker = std::thread([&] {
      try {
        Enter();
        if constexpr (std::is_void_v<R>) {
          f();
        } else {
          result = std::make_unique<R>(f());
        }
      } catch (...) {
        failure = std::current_exception();
      }
    });
  } catch (const std::system_error& e) {  // no thread to be had (EAGAIN at limits)
    ThrowThreadError(e.code().value());
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<R>) return std::move(*result);
}

}  // namespace nl
