// readFull(fd, buffer) -> Promise<number>: fills buffer from fd on the thread
// pool (see ipvs/proc_file.h); resolves the byte count, 0 at end of file.
#pragma once

#include <napi.h>

namespace addon {

Napi::Value ReadFull(const Napi::CallbackInfo& info);

}  // namespace addon
