#include "open.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "../ipvs/client.h"
#include "convert.h"
#include "errors.h"
#include "handle.h"
#include "promise_worker.h"

namespace addon {

// open({ timeoutMs, netnsFd?, netnsPath? }) -> Promise<IpvsHandle>; the socket
// and the family lookup happen off the main thread.
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  const uint32_t timeout = ToUint32(options.Get("timeoutMs"), "timeoutMs");
  const int timeout_ms = static_cast<int>(timeout > 3600000 ? 3600000 : timeout);
  std::string path;
  if (options.Get("netnsPath").IsString()) path = options.Get("netnsPath").As<Napi::String>().Utf8Value();
  // Our own copy of a descriptor, now: the caller may close theirs as soon as
  // open() returns. Closed here unless the worker adopted it.
  auto fd = std::shared_ptr<int>(new int(-1), [](int* p) {
    if (*p >= 0) close(*p);
    delete p;
  });
  if (!options.Get("netnsFd").IsUndefined()) {
    *fd = fcntl(static_cast<int>(ToUint32(options.Get("netnsFd"), "netnsFd")), F_DUPFD_CLOEXEC, 0);
    if (*fd < 0) {
      const int err = errno;
      auto deferred = Napi::Promise::Deferred::New(env);
      deferred.Reject(MakeError(env, nl::Error(nl::ErrorOrigin::kSystem, err, "fcntl", "options.netns")).Value());
      return deferred.Promise();
    }
  }
  return LambdaWorker<std::shared_ptr<ipvs::Client>>::Start(
      env, "ipvs.open",
      [timeout_ms, path, fd] {
        nl::NetNamespace ns = !path.empty() ? nl::NetNamespace::OpenPath(path)
                              : *fd >= 0    ? nl::NetNamespace::Adopt(std::exchange(*fd, -1))
                                            : nl::NetNamespace();
        return std::make_shared<ipvs::Client>(timeout_ms, std::move(ns));
      },
      [](Napi::Env env, std::shared_ptr<ipvs::Client>& client) { return Handle::Create(env, std::move(client)); });
}

}  // namespace addon
