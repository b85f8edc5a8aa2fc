#include "errors.h"

#include <cstring>
#include <string>

namespace addon {

namespace {

const char* OriginName(nl::ErrorOrigin o) {
  switch (o) {
    case nl::ErrorOrigin::kKernel: return "kernel";
    case nl::ErrorOrigin::kSystem: return "system";
    case nl::ErrorOrigin::kProtocol: return "protocol";
    case nl::ErrorOrigin::kNotSent: return "notSent";
  }
  return "unknown";
}

}  // namespace

Napi::Error MakeError(Napi::Env env, const nl::Error& e) {
  std::string message = std::strerror(e.errnum());
  if (!e.detail().empty()) message += ": " + e.detail();
  Napi::Error err = Napi::Error::New(env, message);
  Napi::Object obj = err.Value();
  obj.Set("errno", Napi::Number::New(env, -e.errnum()));
  obj.Set("syscall", Napi::String::New(env, e.syscall()));
  obj.Set("origin", Napi::String::New(env, OriginName(e.origin())));
  if (!e.detail().empty()) obj.Set("detail", Napi::String::New(env, e.detail()));
  return err;
}

Napi::Error MakeClosedError(Napi::Env env) {
  Napi::Error err = Napi::Error::New(env, "the IPVS handle was closed");
  err.Value().Set("origin", Napi::String::New(env, "closed"));
  return err;
}

}  // namespace addon
