#include "open.h"

#include <memory>
#include <optional>

#include "../ipvs/client.h"
#include "convert.h"
#include "errors.h"
#include "handle.h"

namespace addon {

namespace {

class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, int timeout_ms)
      : Napi::AsyncWorker(env, "ipvs.open"), timeout_ms_(timeout_ms), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 private:
  void Execute() override {
    try {
      client_ = std::make_shared<ipvs::Client>(timeout_ms_);
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
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ipvs::Client> client_;
  std::optional<nl::Error> error_;
};

}  // namespace

// open({ timeoutMs }) -> Promise<IpvsHandle>
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Object options = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(info.Env());
  const uint32_t timeout_ms = ToUint32(options.Get("timeoutMs"), "timeoutMs");
  auto* worker = new OpenWorker(info.Env(), static_cast<int>(timeout_ms > 3600000 ? 3600000 : timeout_ms));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace addon
