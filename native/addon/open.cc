#include "open.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "../ipvs/client.h"
#include "convert.h"
#include "errors.h"
#include "handle.h"

namespace addon {

namespace {

class OpenWorker : public Napi::AsyncWorker {
 public:
  // netns_fd: a descriptor this worker owns (or -1); netns_path: a file to open (or "").
  OpenWorker(Napi::Env env, int timeout_ms, int netns_fd, std::string netns_path)
      : Napi::AsyncWorker(env, "ipvs.open"),
        timeout_ms_(timeout_ms),
        netns_fd_(netns_fd),
        netns_path_(std::move(netns_path)),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  ~OpenWorker() override {
    if (netns_fd_ >= 0) close(netns_fd_);
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }

 private:
  nl::NetNamespace TakeNamespace() {
    if (!netns_path_.empty()) return nl::NetNamespace::OpenPath(netns_path_);
    if (netns_fd_ < 0) return {};
    const int fd = netns_fd_;
    netns_fd_ = -1;
    return nl::NetNamespace::Adopt(fd);
  }

  void Execute() override {
    try {
      client_ = std::make_shared<ipvs::Client>(timeout_ms_, TakeNamespace());
    } catch (const nl::Error& e) {
      error_ = e;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Handle::Create(Env(), std::move(client_))); }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(error_ ? MakeError(Env(), *error_).Value() : e.Value());
  }

  int timeout_ms_;
  int netns_fd_;
  std::string netns_path_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ipvs::Client> client_;
  std::optional<nl::Error> error_;
};

}  // namespace

// open({ timeoutMs, netnsFd?, netnsPath? }) -> Promise<IpvsHandle>
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  const uint32_t timeout_ms = ToUint32(options.Get("timeoutMs"), "timeoutMs");
  std::string netns_path;
  if (options.Get("netnsPath").IsString()) netns_path = options.Get("netnsPath").As<Napi::String>().Utf8Value();
  int netns_fd = -1;
  if (!options.Get("netnsFd").IsUndefined()) {
    // Our own copy, now: the caller may close theirs as soon as open() returns.
    netns_fd = fcntl(static_cast<int>(ToUint32(options.Get("netnsFd"), "netnsFd")), F_DUPFD_CLOEXEC, 0);
    if (netns_fd < 0) {
      const int err = errno;
      auto deferred = Napi::Promise::Deferred::New(env);
      deferred.Reject(MakeError(env, nl::Error(nl::ErrorOrigin::kSystem, err, "fcntl", "options.netns")).Value());
      return deferred.Promise();
    }
  }
  auto* worker = new OpenWorker(env, static_cast<int>(timeout_ms > 3600000 ? 3600000 : timeout_ms), netns_fd,
                                std::move(netns_path));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace addon
