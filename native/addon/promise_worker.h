// An AsyncWorker that settles a promise: Work() runs on the libuv thread pool
// (never touching N-API) and may throw nl::Error, which rejects with errno,
// syscall and origin; Result() converts the outcome on the main thread.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>

#include "../netlink/error.h"

namespace addon {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name);
  Napi::Promise Promise() const { return deferred_.Promise(); }
  // Settles the promise on the main thread, then frees the worker. Never
  // throws: it runs from a libuv callback, where an exception is fatal.
  void OnWorkComplete(Napi::Env env, napi_status status) final;

 protected:
  virtual void Work() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;
  // After the promise settled, on the main thread.
  virtual void Settled() {}
  // False when the environment is being torn down (nothing can observe the promise).
  bool Reject(const Napi::Error& error) noexcept;

 private:
  void Execute() final;
  void Settle(Napi::Env env);

  Napi::Promise::Deferred deferred_;
  std::optional<nl::Error> error_;
};

// A one-off worker from two lambdas: run (thread pool), to_js (main thread).
template <typename R>
class LambdaWorker : public PromiseWorker {
 public:
  using Run = std::function<R()>;
  using ToJs = std::function<Napi::Value(Napi::Env, R&)>;

  static Napi::Promise Start(Napi::Env env, const char* name, Run run, ToJs to_js) {
    auto* worker = new LambdaWorker(env, name, std::move(run), std::move(to_js));
    Napi::Promise promise = worker->Promise();
    worker->Queue();  // frees itself once settled
    return promise;
  }

 private:
  LambdaWorker(Napi::Env env, const char* name, Run run, ToJs to_js)
      : PromiseWorker(env, name), run_(std::move(run)), to_js_(std::move(to_js)) {}
  void Work() override { value_ = run_(); }
  Napi::Value Result(Napi::Env env) override { return to_js_(env, value_); }

  Run run_;
  ToJs to_js_;
  R value_{};
};

}  // namespace addon
