#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <string>

#include "error.h"

namespace nl {

NetNamespace::Fd::~Fd() { close(fd); }

void ThrowThreadError(int errnum) { throw Error(ErrorOrigin::kSystem, errnum, "pthread_create"); }

NetNamespace NetNamespace::Adopt(int fd) {
  NetNamespace ns;
  ns.fd_ = std::make_shared<const Fd>(fd);
  // Say "not a network namespace" now rather than at first use.
  struct statfs fs {};
  if (fstatfs(fd, &fs) != 0) throw Error(ErrorOrigin::kSystem, errno, "fstatfs");
  // nsfs since 3.19; before, namespace files lived on procfs (setns checks those).
  const auto magic = static_cast<unsigned long>(fs.f_type);
  const bool nsfs = magic == NSFS_MAGIC;
  const int type = nsfs ? ioctl(fd, NS_GET_NSTYPE) : -1;  // 4.11+
  if ((!nsfs && magic != PROC_SUPER_MAGIC) || (type >= 0 && type != CLONE_NEWNET)) {
    throw Error(ErrorOrigin::kSystem, EINVAL, "setns", "not a network namespace");
  }
  return ns;
}

NetNamespace NetNamespace::OpenPath(const std::string& path) {
  // O_NONBLOCK | O_NOCTTY: a wrong path (a FIFO, a tty) must not block or take over.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw Error(ErrorOrigin::kSystem, errno, "open", path);
  return Adopt(fd);
}

void NetNamespace::Enter() const {
  if (setns(fd_->fd, CLONE_NEWNET) != 0) throw Error(ErrorOrigin::kSystem, errno, "setns");
}

int NetNamespace::OpenProcNetFile(const std::string& name) const {
  return Run([&] {
    // This thread's own view: /proc/self/net follows the main thread's
    // namespace (and /proc/thread-self needs 3.17).
    const std::string path = "/proc/self/task/" + std::to_string(syscall(SYS_gettid)) + "/net/" + name;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorOrigin::kSystem, errno, "open", "/proc/net/" + name);
    return fd;
  });
}

}  // namespace nl
