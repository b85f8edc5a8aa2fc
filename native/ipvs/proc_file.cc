#include "proc_file.h"

#include <errno.h>
#include <unistd.h>

#include "../netlink/error.h"

namespace ipvs {

size_t ReadFull(int fd, uint8_t* buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    const ssize_t n = read(fd, buf + got, len - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw nl::Error(nl::ErrorOrigin::kSystem, errno, "read");
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

}  // namespace ipvs
