// Per-environment addon state (main thread and each worker thread get their own).
#pragma once

#include <napi.h>

#include <memory>

#include "../ipvs/client.h"

namespace addon {

struct AddonData {
  Napi::FunctionReference handle_constructor;
  // The client Handle::Create is constructing a handle for. Not an External
  // argument: Node 20 keeps a 40-byte record for every External until it is
  // collected, and never frees those of Externals alive at exit.
  std::shared_ptr<ipvs::Client> client_for_new_handle;
};

inline AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace addon
