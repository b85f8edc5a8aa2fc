// JS values <-> ipvs structs. The TS layer validates user input and builds
// these "raw" objects (lib/native.ts describes their shape); the checks here
// only keep a malformed raw object from reaching the kernel.
#pragma once

#include <napi.h>

#include <vector>

#include "../ipvs/types.h"

namespace addon {

ipvs::ServiceKey ToServiceKey(const Napi::Value& v);
ipvs::Service ToService(const Napi::Value& v);
ipvs::Destination ToDestination(const Napi::Value& v, uint16_t service_family);
ipvs::Timeouts ToTimeouts(const Napi::Value& v);
ipvs::Daemon ToDaemon(const Napi::Value& v);
uint32_t ToUint32(const Napi::Value& v, const char* what);

Napi::Object FromInfo(Napi::Env env, const ipvs::Info& i);
Napi::Object FromTimeouts(Napi::Env env, const ipvs::Timeouts& t);
Napi::Object FromDaemon(Napi::Env env, const ipvs::Daemon& d);

template <typename T, typename F>
Napi::Array FromList(Napi::Env env, const std::vector<T>& items, F from) {
  Napi::Array arr = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) arr.Set(static_cast<uint32_t>(i), from(env, items[i]));
  return arr;
}

}  // namespace addon
