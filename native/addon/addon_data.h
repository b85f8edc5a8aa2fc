// Per-environment addon state (main thread and each worker thread get their own).
#pragma once

#include <napi.h>

namespace addon {

struct AddonData {
  Napi::FunctionReference handle_constructor;
};

inline AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace addon
