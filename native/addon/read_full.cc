#include "read_full.h"

#include <memory>

#include "../ipvs/proc_file.h"
#include "convert.h"
#include "promise_worker.h"

namespace addon {

Napi::Value ReadFull(const Napi::CallbackInfo& info) {
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(info.Env(), "readFull(fd, buffer): buffer must be a Buffer");
  const int fd = static_cast<int>(ToUint32(info[0], "fd"));
  auto buffer = info[1].As<Napi::Buffer<uint8_t>>();
  uint8_t* data = buffer.Data();
  const size_t len = buffer.Length();
  // The memory stays put until the worker is freed (on the main thread).
  auto keep = std::make_shared<Napi::Reference<Napi::Buffer<uint8_t>>>(Napi::Persistent(buffer));
  return LambdaWorker<size_t>::Start(
      info.Env(), "ipvs.readFull", [fd, data, len] { return ipvs::ReadFull(fd, data, len); },
      [keep](Napi::Env env, size_t& got) { return Napi::Number::New(env, static_cast<double>(got)); });
}

}  // namespace addon
