// One IPVS operation as a promise: its netlink I/O runs on the libuv thread
// pool (Execute never touches N-API), its result is converted to JS on the
// main thread. Operations of one handle run one at a time, in order (see
// Handle), so they share the handle's socket without locks.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>

#include "../ipvs/client.h"
#include "promise_worker.h"

namespace addon {

class Handle;

class Operation : public PromiseWorker {
 public:
  Operation(Handle& handle, const char* name);
  // Settles an operation that never ran (its handle closed first) and frees it.
  void RejectUnstarted(const Napi::Error& error);

 protected:
  virtual void Run(ipvs::Client& client) = 0;

 private:
  void Work() final;
  void Settled() final;

  Handle& handle_;
  Napi::ObjectReference keep_handle_;  // no GC of the handle until we settle
  std::shared_ptr<ipvs::Client> client_;  // keeps the socket open while we run
};

// An operation from two lambdas: run (thread pool) and result (main thread).
template <typename R>
class LambdaOperation : public Operation {
 public:
  using Run_ = std::function<R(ipvs::Client&)>;
  using Result_ = std::function<Napi::Value(Napi::Env, R&)>;
  LambdaOperation(Handle& handle, const char* name, Run_ run, Result_ result)
      : Operation(handle, name), run_(std::move(run)), result_(std::move(result)) {}

 protected:
  void Run(ipvs::Client& client) override { value_ = run_(client); }
  Napi::Value Result(Napi::Env env) override { return result_(env, value_); }

 private:
  Run_ run_;
  Result_ result_;
  R value_{};
};

}  // namespace addon
