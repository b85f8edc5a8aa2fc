// Reading IPVS's /proc/net files. Their seq_files hand out about one page per
// read(): reading a big table 4 KiB per thread-pool round trip costs more than
// parsing it, so one call here fills a whole buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ipvs {

// Reads from fd until `len` bytes or end of file; returns the count (0 at
// the end). Throws nl::Error (syscall "read").
size_t ReadFull(int fd, uint8_t* buf, size_t len);

}  // namespace ipvs
