#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "error.h"

namespace nl {

NetNamespace::Fd::~Fd() { close(fd); }

NetNamespace NetNamespace::Adopt(int fd) {
  NetNamespace ns;
  ns.fd_ = std::make_shared<const Fd>(fd);
  // Say "not a network namespace" now rather than at first use.
  struct statfs fs {};
  if (fstatfs(fd, &fs) != 0) throw Error(ErrorOrigin::kSystem, errno, "fstatfs");
  const bool nsfs = static_cast<unsigned long>(fs.f_type) == NSFS_MAGIC;
  const int type = nsfs ? ioctl(fd, NS_GET_NSTYPE) : -1;  // 4.11+; older kernels: setns checks
  if (!nsfs || (type >= 0 && type != CLONE_NEWNET)) {
    throw Error(ErrorOrigin::kSystem, EINVAL, "setns", "not a network namespace");
  }
  return ns;
}

NetNamespace NetNamespace::OpenPath(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorOrigin::kSystem, errno, "open", path);
  return Adopt(fd);
}

void NetNamespace::Enter() const {
  if (setns(fd_->fd, CLONE_NEWNET) != 0) throw Error(ErrorOrigin::kSystem, errno, "setns");
}

int NetNamespace::OpenProcNetFile(const std::string& name) const {
  return Run([&] {
    // thread-self: /proc/self/net would follow the main thread's namespace.
    const std::string path = "/proc/thread-self/net/" + name;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorOrigin::kSystem, errno, "open", "/proc/net/" + name);
    return fd;
  });
}

}  // namespace nl
