// open(options): creates a Handle off the main thread (socket + family lookup).
#pragma once

#include <napi.h>

namespace addon {

Napi::Value Open(const Napi::CallbackInfo& info);

}  // namespace addon
